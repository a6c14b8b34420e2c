package dev.thinkroute.llm.openai;

import mockwebserver3.MockResponse;

/**
 * Response bodies in the exact shapes vLLM's OpenAI server (vllm/entrypoints/openai/protocol.py) and OpenAI send,
 * as JSON text so the wire format is what the tests pin down.
 */
final class Vllm {

    static final String MODEL = "Qwen/Qwen3-8B";
    static final String ID = "chatcmpl-5a1b0f1e8c7d4e2f9a3b6c4d2e1f0a9b";

    private Vllm() {
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("content-type", "application/json").body(body).build();
    }

    /** A vLLM {@code ChatCompletionResponse}; {@code messageFields} are the message's fields after {@code role}. */
    static String completion(String messageFields, String finishReason, String usage) {
        return """
                {"id":"%s","object":"chat.completion","created":1752046800,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant",%s,"refusal":null,"annotations":null,\
                "audio":null,"function_call":null},"logprobs":null,"finish_reason":%s,"stop_reason":null}],\
                "service_tier":null,"system_fingerprint":null%s,"prompt_logprobs":null,"kv_transfer_params":null}"""
                .formatted(ID, MODEL, messageFields, finishReason == null ? "null" : "\"" + finishReason + "\"",
                        usage == null ? "" : ",\"usage\":" + usage);
    }

    static String usage(int prompt, int completion) {
        return "{\"prompt_tokens\":%d,\"total_tokens\":%d,\"completion_tokens\":%d,\"prompt_tokens_details\":null}"
                .formatted(prompt, prompt + completion, completion);
    }

    /** One {@code chat.completion.chunk} as vLLM serialises it (unset fields left out). */
    static String chunk(String delta, String finishReason) {
        String finish = finishReason == null
                ? "\"finish_reason\":null"
                : "\"finish_reason\":\"" + finishReason + "\",\"stop_reason\":null";
        return "{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":1752046800,\"model\":\"%s\",\"choices\":[{\"index\":0,\"delta\":%s,\"logprobs\":null,%s}]}"
                .formatted(ID, MODEL, delta, finish);
    }

    /** The first chunk vLLM sends: the role and empty content. */
    static String roleChunk() {
        return chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
    }

    static String content(String text) {
        return chunk("{\"content\":" + quote(text) + "}", null);
    }

    static String reasoningContent(String text) {
        return chunk("{\"reasoning_content\":" + quote(text) + "}", null);
    }

    static String reasoning(String text) {
        return chunk("{\"reasoning\":" + quote(text) + "}", null);
    }

    static String finish(String reason) {
        return chunk("{\"content\":\"\"}", reason);
    }

    /** The usage chunk sent before {@code [DONE]} when the request had {@code stream_options.include_usage}. */
    static String usageChunk(int prompt, int completion) {
        return "{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":1752046800,\"model\":\"%s\",\"choices\":[],\"usage\":{\"prompt_tokens\":%d,\"total_tokens\":%d,\"completion_tokens\":%d}}"
                .formatted(ID, MODEL, prompt, prompt + completion, completion);
    }

    /** vLLM's current error body ({@code ErrorResponse} with {@code ErrorInfo}; the code is the HTTP status). */
    static String error(String message, String type, int code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":null,\"code\":" + code + "}}";
    }

    /** vLLM's error body before the nested shape: {@code "object": "error"} at the top level. */
    static String oldError(String message, String type, int code) {
        return "{\"object\":\"error\",\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":null,\"code\":" + code + "}";
    }

    /** OpenAI's error body: the code is a word or null. */
    static String openAiError(String message, String type, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
