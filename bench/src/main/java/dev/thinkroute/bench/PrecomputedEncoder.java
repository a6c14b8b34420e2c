package dev.thinkroute.bench;

import dev.thinkroute.learn.embed.Encoder;

/** An encoder that answers every text with one embedding computed beforehand: a router without the embedding step. */
final class PrecomputedEncoder implements Encoder {

    private final String id;
    private final float[] embedding;

    PrecomputedEncoder(String id, float[] embedding) {
        this.id = id;
        this.embedding = embedding.clone();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return embedding.length;
    }

    @Override
    public float[] embed(String text) {
        return embedding.clone(); // the contract: a new array on every call
    }

    @Override
    public void close() {
    }
}
