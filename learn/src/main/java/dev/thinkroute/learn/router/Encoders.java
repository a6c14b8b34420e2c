package dev.thinkroute.learn.router;

import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.embed.MiniLmEncoder;

/**
 * The process-wide sentence encoder for serving: one ONNX session however many profiles use learned routers, loaded
 * on first use (a config that never routes with a learned router never pays for it). Serving does not use the
 * on-disk embedding cache: it would write a trace of every user query to disk.
 */
public final class Encoders {

    private static volatile Encoder shared;

    private Encoders() {
    }

    /** A handle on the shared MiniLM encoder; the model loads when the first text is embedded. */
    public static Encoder shared() {
        return LAZY;
    }

    private static Encoder instance() {
        Encoder e = shared;
        if (e == null) {
            synchronized (Encoders.class) {
                e = shared;
                if (e == null) shared = e = new MiniLmEncoder();
            }
        }
        return e;
    }

    private static final Encoder LAZY = new Encoder() {
        @Override
        public String id() {
            return MiniLmEncoder.ID;
        }

        @Override
        public int dimension() {
            return MiniLmEncoder.DIMENSION;
        }

        @Override
        public float[] embed(String text) {
            return instance().embed(text);
        }

        @Override
        public void close() {
            // Shared for the life of the process; never closed by one of its users.
        }
    };
}
