package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Writes weight arrays into a model's JSON and reads them back, bit for bit. Arrays are stored as base64 of their
 * little-endian IEEE bytes ({@code {"dtype":"float32","shape":[r,c],"base64":"…"}}) rather than as JSON numbers: a
 * kNN model over 5k rows holds two million floats, which as decimal text would be ~25 MB instead of ~11 MB, and
 * base64 keeps NaN and every bit exactly, so a round trip predicts identically.
 */
final class WeightCodec {

    private WeightCodec() {
    }

    static void putFloats(ObjectNode weights, String name, float[] data, int... shape) {
        checkShape(name, data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        put(weights, name, "float32", b.array(), shape);
    }

    static void putDoubles(ObjectNode weights, String name, double[] data, int... shape) {
        checkShape(name, data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        put(weights, name, "float64", b.array(), shape);
    }

    static float[] floats(JsonNode weights, String name, int expectedLength) {
        byte[] bytes = bytes(weights, name, "float32", expectedLength, Float.BYTES);
        float[] out = new float[expectedLength];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    static double[] doubles(JsonNode weights, String name, int expectedLength) {
        byte[] bytes = bytes(weights, name, "float64", expectedLength, Double.BYTES);
        double[] out = new double[expectedLength];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    /** A required integer field of a model's JSON, with an error that names it. */
    static int intField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException("quality model JSON: missing integer field '" + field + "'");
        return v.intValue();
    }

    static double doubleField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException("quality model JSON: missing number field '" + field + "'");
        return v.doubleValue();
    }

    static String textField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("quality model JSON: missing text field '" + field + "'");
        return v.textValue();
    }

    static JsonNode objectField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) throw new IllegalArgumentException("quality model JSON: missing object field '" + field + "'");
        return v;
    }

    private static void put(ObjectNode weights, String name, String dtype, byte[] bytes, int[] shape) {
        ObjectNode o = weights.putObject(name);
        o.put("dtype", dtype);
        ArrayNode s = o.putArray("shape");
        for (int d : shape) s.add(d);
        o.put("base64", Base64.getEncoder().encodeToString(bytes));
    }

    private static byte[] bytes(JsonNode weights, String name, String dtype, int expectedLength, int width) {
        JsonNode o = weights.get(name);
        if (o == null || !o.isObject()) throw new IllegalArgumentException("quality model JSON: missing weights '" + name + "'");
        String actualType = o.path("dtype").asText();
        if (!dtype.equals(actualType)) {
            throw new IllegalArgumentException("quality model JSON: weights '" + name + "' have dtype '" + actualType + "', expected " + dtype);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(o.path("base64").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("quality model JSON: weights '" + name + "' are not valid base64", e);
        }
        if (bytes.length != (long) expectedLength * width) {
            throw new IllegalArgumentException("quality model JSON: weights '" + name + "' hold " + bytes.length / width
                    + " values, expected " + expectedLength);
        }
        return bytes;
    }

    private static void checkShape(String name, int length, int[] shape) {
        long product = 1;
        for (int d : shape) product *= d;
        if (product != length) throw new IllegalStateException(name + ": " + length + " values do not fill shape " + java.util.Arrays.toString(shape));
    }
}
