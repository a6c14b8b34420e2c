package dev.thinkroute.learn.embed;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Embeddings already computed by one encoder, kept on disk so that a second training run does not embed the same
 * texts again. Keyed by the encoder's id and the SHA-256 of the text's UTF-8 bytes.
 *
 * <p><b>File.</b> One append-only file per encoder id, {@code <dir>/<id>.emb}: a header (the 8 bytes
 * {@code TREMBED1}, the dimension as an int, the id's UTF-8 length as an int, the id) and then records of 32 bytes of
 * SHA-256 followed by {@code dimension} floats, all big-endian. The whole file is read into memory at open (50,000
 * entries of 384 floats are ~77 MB on disk and about as much heap); new entries are appended, each record with one
 * write, so several processes may share a file (each sees only what was there when it opened). A last record cut short
 * by a crash is dropped with a warning; a file for another id or dimension is refused.
 *
 * <p>Thread-safe.
 */
public final class EmbeddingCache implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());
    private static final byte[] MAGIC = "TREMBED1".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH_BYTES = 32;

    private final String encoderId;
    private final int dimension;
    private final Path file;
    private final int recordBytes;
    private final Map<Key, float[]> vectors = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    // A stream, not a FileChannel: a FileChannel is interruptible, so a worker interrupted mid-write (a parallel
    // embedding cancelled after one failure) would close it for every other writer. FileOutputStream writes are not
    // interruptible. Guarded by writeLock; null once closed.
    private FileOutputStream out;

    private EmbeddingCache(String encoderId, int dimension, Path file) {
        this.encoderId = encoderId;
        this.dimension = dimension;
        this.file = file;
        this.recordBytes = HASH_BYTES + Float.BYTES * dimension;
    }

    /**
     * Where caches live unless told otherwise: {@code $THINKROUTE_CACHE/embeddings}, else
     * {@code ~/.cache/thinkroute/embeddings}.
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv("THINKROUTE_CACHE"), System.getProperty("user.home"));
    }

    static Path defaultDirectory(String thinkrouteCache, String userHome) {
        if (thinkrouteCache != null && !thinkrouteCache.isBlank()) return Path.of(thinkrouteCache, "embeddings");
        return Path.of(userHome, ".cache", "thinkroute", "embeddings");
    }

    /**
     * Opens (creating it and {@code directory} if needed) the cache of encoder {@code encoderId} in {@code directory}.
     *
     * @throws IllegalStateException if the file holds another encoder's vectors, another dimension, or is not a cache
     * @throws UncheckedIOException  if the file cannot be read or written
     */
    public static EmbeddingCache open(Path directory, String encoderId, int dimension) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(encoderId, "encoderId");
        if (encoderId.isBlank()) throw new IllegalArgumentException("encoder id is blank");
        if (dimension <= 0) throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        Path file = directory.resolve(fileName(encoderId));
        EmbeddingCache cache = new EmbeddingCache(encoderId, dimension, file);
        try {
            Files.createDirectories(directory);
            cache.load();
            cache.out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the embedding cache " + file + ": " + e.getMessage(), e);
        }
        return cache;
    }

    /** The file name for an id: characters other than letters, digits, '.', '-' and '_' become '_'. */
    static String fileName(String encoderId) {
        return encoderId.replaceAll("[^A-Za-z0-9._-]", "_") + ".emb";
    }

    public String encoderId() {
        return encoderId;
    }

    public int dimension() {
        return dimension;
    }

    public Path file() {
        return file;
    }

    /** Number of distinct texts cached. */
    public int size() {
        return vectors.size();
    }

    /** The cached vector of {@code text} (a copy), or {@code null}. */
    public float[] get(String text) {
        float[] v = vectors.get(Key.of(text));
        return v == null ? null : v.clone();
    }

    public boolean contains(String text) {
        return vectors.containsKey(Key.of(text));
    }

    /**
     * Remembers {@code vector} as the embedding of {@code text}, in memory and on disk. A text already cached is left
     * as it is (its first vector wins, so a file never holds two records for one text written by one process).
     *
     * @throws IllegalStateException if the cache is closed
     */
    public void put(String text, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has " + vector.length + " floats; cache " + file + " holds " + dimension);
        }
        Key key = Key.of(text);
        ByteBuffer record = ByteBuffer.allocate(recordBytes);
        record.put(key.hash);
        record.asFloatBuffer().put(vector); // a view: leaves the buffer's position after the hash
        record.rewind();
        float[] copy = vector.clone();
        synchronized (writeLock) {
            if (out == null) throw new IllegalStateException("embedding cache " + file + " is closed");
            if (vectors.containsKey(key)) return;
            try {
                // One write per record: in append mode, records from other processes never interleave with it.
                out.write(record.array(), 0, recordBytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the embedding cache " + file + ": " + e.getMessage(), e);
            }
            vectors.put(key, copy);
        }
    }

    /** Flushes to disk and closes the file; further {@link #put}s fail, {@link #get}s still answer. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (out == null) return;
            try {
                out.getFD().sync();
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the embedding cache " + file + ": " + e.getMessage(), e);
            } finally {
                out = null;
            }
        }
    }

    private byte[] header() {
        byte[] id = encoderId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + 2 * Integer.BYTES + id.length)
                .put(MAGIC).putInt(dimension).putInt(id.length).put(id).array();
    }

    /* Creates the file with its header, or reads what it holds and cuts off a torn last record. */
    private void load() throws IOException {
        byte[] header = header();
        try (FileChannel created = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            created.write(ByteBuffer.wrap(header));
            return;
        } catch (FileAlreadyExistsException e) {
            // read it below
        }
        long size = Files.size(file);
        if (size < header.length) {
            byte[] present = Files.readAllBytes(file);
            if (Arrays.equals(present, 0, present.length, header, 0, present.length)) {
                // A crash while the file was being created: start it again.
                LOG.log(System.Logger.Level.WARNING, "embedding cache " + file + " has an incomplete header; starting it afresh");
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(ByteBuffer.wrap(header));
                }
                return;
            }
            throw unreadable(describe(present));
        }
        long validEnd;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             InputStream raw = Channels.newInputStream(ch);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            checkHeader(in);
            long records = (size - header.length) / recordBytes;
            validEnd = header.length + records * recordBytes;
            byte[] record = new byte[recordBytes];
            for (long r = 0; r < records; r++) {
                in.readFully(record);
                ByteBuffer buf = ByteBuffer.wrap(record);
                byte[] hash = new byte[HASH_BYTES];
                buf.get(hash);
                float[] v = new float[dimension];
                buf.asFloatBuffer().get(v);
                vectors.putIfAbsent(new Key(hash), v);
            }
        }
        if (validEnd < size) {
            LOG.log(System.Logger.Level.WARNING, "embedding cache " + file + " ends in a torn record (" + (size - validEnd)
                    + " of " + recordBytes + " bytes, from an interrupted write); dropping it");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(validEnd); // so that new records start on a record boundary
            }
        }
    }

    private void checkHeader(DataInputStream in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) throw unreadable("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII));
        int fileDimension = in.readInt();
        int idLength = in.readInt();
        if (idLength < 0 || idLength > 4096) throw unreadable("its header is corrupt (id length " + idLength + ")");
        byte[] id = new byte[idLength];
        try {
            in.readFully(id);
        } catch (EOFException e) {
            throw unreadable("its header is cut short");
        }
        String fileId = new String(id, StandardCharsets.UTF_8);
        if (!fileId.equals(encoderId) || fileDimension != dimension) {
            throw new IllegalStateException("embedding cache " + file + " holds vectors of encoder '" + fileId + "' with dimension "
                    + fileDimension + ", not '" + encoderId + "' with dimension " + dimension
                    + "; delete the file or use another cache directory");
        }
    }

    private IllegalStateException unreadable(String why) {
        return new IllegalStateException("embedding cache " + file + " is not an embedding cache file: " + why
                + "; delete it or use another cache directory");
    }

    private static String describe(byte[] present) {
        return "it is only " + present.length + " bytes long and its header does not match";
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /* A SHA-256 as a map key; its first four bytes are already a well-spread hash code. */
    private record Key(byte[] hash) {
        static Key of(String text) {
            return new Key(sha256(Objects.requireNonNull(text, "text")));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(hash, k.hash);
        }

        @Override
        public int hashCode() {
            return (hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | (hash[3] & 0xff);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(hash);
        }
    }
}
