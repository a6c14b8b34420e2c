package dev.thinkroute.llm.http;

/**
 * How an upstream is sent its API key: in header {@code name}, as {@code prefix} followed by the key.
 *
 * @param name   the header, e.g. {@code Authorization} or {@code x-api-key}
 * @param prefix what goes before the key, e.g. {@code "Bearer "}, or {@code ""}
 */
public record KeyHeader(String name, String prefix) {

    /** {@code Authorization: Bearer <key>} (OpenAI, Ollama behind a proxy). */
    public static final KeyHeader BEARER = new KeyHeader("Authorization", "Bearer ");

    /** The bare key in header {@code name} (Anthropic's {@code x-api-key}, Gemini's {@code x-goog-api-key}). */
    public static KeyHeader named(String name) {
        return new KeyHeader(name, "");
    }
}
