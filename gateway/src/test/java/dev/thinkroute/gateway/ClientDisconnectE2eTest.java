package dev.thinkroute.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that stops reading a stream and closes its connection frees the upstream: the gateway notices on its
 * next write and cancels the upstream call, so a slow model does not keep generating for nobody.
 */
class ClientDisconnectE2eTest {

    /** Generous: the chain is client close → failed gateway write (≤ one 100 ms tick) → upstream connection closed. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private FakeVllm fake;
    private Gateway gateway;

    @BeforeEach
    void start() {
        fake = new FakeVllm();
        gateway = E2e.start(E2e.fakePoolYaml(fake, 5_000));
    }

    @AfterEach
    void stop() {
        E2e.closeAll(gateway, fake);
    }

    @Test
    void closingTheConnectionMidStreamCancelsTheUpstreamCall() throws Exception {
        byte[] body = streamBody("slow-stream", "Count slowly.", true).toString().getBytes(StandardCharsets.UTF_8);
        String received;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port()
                    + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            received = readUntil(socket.getInputStream(), " tick2");
        } // the client hangs up after three of the upstream's deltas

        assertThat(received).startsWith("HTTP/1.1 200").containsIgnoringCase("text/event-stream").contains(" tick0", " tick1");
        assertThat(fake.awaitSlowStreamReaderGone(DEADLINE))
                .as("the upstream saw its connection closed within %s (it had sent %d deltas)", DEADLINE, fake.slowStreamTicks())
                .isTrue();
        assertThat(fake.slowStreamTicks()).as("the upstream stopped long before its 300 deltas").isLessThan(250);
        assertGatewayStillServes();
    }

    @Test
    void anOpenaiJavaStreamClosedEarlyCancelsTheUpstreamCall() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("x").maxRetries(0).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("slow-stream").addUserMessage("Count slowly.").build();
            int seen = 0;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
                while (seen < 4 && chunks.hasNext()) {
                    chunks.next();
                    seen++;
                }
            } // closing the stream is how an SDK user stops reading
            assertThat(seen).isEqualTo(4);

            assertThat(fake.awaitSlowStreamReaderGone(DEADLINE))
                    .as("the upstream saw its connection closed within %s (it had sent %d deltas)", DEADLINE, fake.slowStreamTicks())
                    .isTrue();
            assertThat(fake.slowStreamTicks()).isLessThan(250);
        } finally {
            client.close();
        }
        assertGatewayStillServes();
    }

    private void assertGatewayStillServes() {
        E2e.Reply reply = chat(gateway, streamBody("qwen3-8b", "What is 17 times 3?", true));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.joined("content")).isEqualTo(FakeVllm.ANSWER);
    }

    /** Reads the raw response until {@code marker} has arrived. */
    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) throw new AssertionError("the gateway ended the stream before '" + marker + "': " + seen.toString(StandardCharsets.UTF_8));
            seen.write(buffer, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
