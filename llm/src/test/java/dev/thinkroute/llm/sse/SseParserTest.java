package dev.thinkroute.llm.sse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class SseParserTest {

    /** Parses a whole stream the way a caller does: BufferedReader lines, then end(). */
    private static List<SseEvent> parse(String stream) throws IOException {
        SseParser parser = new SseParser();
        List<SseEvent> events = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new StringReader(stream));
        String line;
        while ((line = lines.readLine()) != null) {
            SseEvent e = parser.line(line);
            if (e != null) events.add(e);
        }
        SseEvent last = parser.end();
        if (last != null) events.add(last);
        return events;
    }

    @Test
    void openAiStyleStream() throws IOException {
        List<SseEvent> events = parse("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n");
        assertThat(events).extracting(SseEvent::data).containsExactly("{\"a\":1}", "{\"a\":2}", "[DONE]");
        assertThat(events).extracting(SseEvent::event).containsOnly("message");
        assertThat(events).extracting(SseEvent::id).containsOnly("");
    }

    @Test
    void multipleDataLinesAreJoinedWithNewline() throws IOException {
        assertThat(parse("data: first\ndata: second\ndata:third\n\n"))
                .containsExactly(new SseEvent("message", "first\nsecond\nthird", ""));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsStripped() throws IOException {
        assertThat(parse("data:no-space\n\ndata:  two spaces\n\ndata: trailing \n\n"))
                .extracting(SseEvent::data).containsExactly("no-space", " two spaces", "trailing ");
    }

    @Test
    void commentsAreIgnored() throws IOException {
        assertThat(parse(": ping - 2025-07-09 10:00:00\n\n:\ndata: x\n: inside\n\n"))
                .containsExactly(new SseEvent("message", "x", ""));
    }

    @Test
    void eventAndIdFields() throws IOException {
        List<SseEvent> events = parse("event: error\nid: 7\ndata: {\"error\":{}}\n\ndata: next\n\n");
        assertThat(events).containsExactly(
                new SseEvent("error", "{\"error\":{}}", "7"),
                new SseEvent("message", "next", "7")); // the last event id carries over; the type does not
    }

    @Test
    void idWithNullIsIgnoredAndEmptyIdResets() throws IOException {
        assertThat(parse("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\nid\ndata: c\n\n"))
                .extracting(SseEvent::id).containsExactly("1", "1", "");
    }

    @Test
    void emptyDataIsDispatchedAsEmptyString() throws IOException {
        assertThat(parse("data:\n\ndata\n\n")).extracting(SseEvent::data).containsExactly("", "");
        assertThat(parse("data:\ndata:\n\n")).extracting(SseEvent::data).containsExactly("\n");
    }

    @Test
    void blockWithoutDataIsNotDispatched() throws IOException {
        assertThat(parse("event: ping\n\nretry: 1000\n\nid: 3\n\n\n\n")).isEmpty();
        // The event type of a discarded block does not leak into the next one.
        assertThat(parse("event: ping\n\ndata: x\n\n")).containsExactly(new SseEvent("message", "x", ""));
    }

    @Test
    void unknownFieldsAndFieldWithoutColonAreIgnored() throws IOException {
        assertThat(parse("foo: bar\nretry: 10\nDATA: upper\ndata: x\n\n")).extracting(SseEvent::data).containsExactly("x");
    }

    @Test
    void doneMarker() throws IOException {
        assertThat(parse("data: [DONE]\n\n")).containsExactly(new SseEvent("message", "[DONE]", ""));
    }

    @Test
    void trailingEventWithoutBlankLineIsDispatchedAtEnd() throws IOException {
        assertThat(parse("data: one\n\ndata: two")).extracting(SseEvent::data).containsExactly("one", "two");
        assertThat(parse("data: one\n\ndata: two\n")).extracting(SseEvent::data).containsExactly("one", "two");
    }

    @Test
    void crLfAndCrLineEndingsFromTheLineSource() throws IOException {
        assertThat(parse("data: a\r\ndata: b\r\n\r\ndata: c\rdata: d\r\r"))
                .extracting(SseEvent::data).containsExactly("a\nb", "c\nd");
    }

    @Test
    void leadingByteOrderMarkIsSkipped() throws IOException {
        assertThat(parse("\uFEFFdata: x\n\n")).containsExactly(new SseEvent("message", "x", ""));
    }

    @Test
    void colonsInTheValueAreKept() throws IOException {
        assertThat(parse("data: {\"url\":\"http://x:1\"}\n\n")).extracting(SseEvent::data)
                .containsExactly("{\"url\":\"http://x:1\"}");
    }

    @Test
    void endOnCleanStreamReturnsNothing() {
        SseParser parser = new SseParser();
        assertThat(parser.line("data: x")).isNull();
        assertThat(parser.line("")).isEqualTo(new SseEvent("message", "x", ""));
        assertThat(parser.end()).isNull();
    }
}
