package dev.thinkroute.learn.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinkroute.learn.embed.QueryText.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryTextTest {

    @Test
    void takesTheLastUserMessage() {
        List<Message> chat = List.of(
                new Message("system", "You are a helpful assistant."),
                new Message("user", "What is 2+2?"),
                new Message("assistant", "4"),
                new Message("user", "  And   3+3?\n"),
                new Message("assistant", "(thinking)"));
        assertThat(QueryText.of(chat)).isEqualTo("And 3+3?");
    }

    @Test
    void roleIsCaseInsensitiveAndNoUserMessageGivesEmptyText() {
        assertThat(QueryText.of(List.of(new Message("User", "hi")))).isEqualTo("hi");
        assertThat(QueryText.of(List.of(new Message("system", "rules")))).isEmpty();
        assertThat(QueryText.of(List.<Message>of())).isEmpty();
    }

    @Test
    void normalisesWhitespaceIncludingUnicodeSpaces() {
        assertThat(QueryText.of("\t Solve\n\nfor\u00a0x:\r\n  x + 1 = 2 \u2003")).isEqualTo("Solve for x: x + 1 = 2");
        assertThat(QueryText.of(" \n ")).isEmpty();
        assertThat(QueryText.of("one")).isEqualTo("one");
    }
}
