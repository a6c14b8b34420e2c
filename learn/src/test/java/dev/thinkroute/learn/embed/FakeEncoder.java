package dev.thinkroute.learn.embed;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** A deterministic, thread-safe stand-in that counts how often it is asked to embed. */
final class FakeEncoder implements Encoder {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    private final String id;
    private final int dimension;
    volatile String failOn;

    FakeEncoder(String id, int dimension) {
        this.id = id;
        this.dimension = dimension;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embed(String text) {
        calls.incrementAndGet();
        if (text.equals(failOn)) throw new IllegalArgumentException("cannot embed " + text);
        return vectorOf(text, dimension);
    }

    static float[] vectorOf(String text, int dimension) {
        Random random = new Random(text.hashCode());
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) v[i] /= (float) Math.sqrt(norm);
        return v;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
