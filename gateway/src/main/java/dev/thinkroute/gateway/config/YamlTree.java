package dev.thinkroute.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A YAML document read into a Jackson tree, plus the line every key and list item sits on.
 *
 * <p>The tree is built token by token from the parser rather than with {@code ObjectMapper.readTree}: that is
 * where the line numbers come from (a {@link JsonNode} has no location), and it lets duplicate keys and YAML
 * features the config does not support be reported as ordinary problems instead of being silently resolved.
 */
final class YamlTree {

    /*
     * PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS: YAML 1.1 reads yes/no/on/off as booleans, which would turn a value like
     * "on" into true; only true/false are booleans here.
     * EMPTY_STRING_AS_NULL: "key:" with nothing after it is null in YAML, not the empty text ("" stays text).
     */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private final JsonNode root;
    private final Map<String, Pos> positions;
    /** Nodes standing in for values that were already reported as unusable; readers skip them silently. */
    private final Set<JsonNode> reported;

    private YamlTree(JsonNode root, Map<String, Pos> positions, Set<JsonNode> reported) {
        this.root = root;
        this.positions = positions;
        this.reported = reported;
    }

    /** The document's root node, or {@code null} when the document is empty. */
    JsonNode root() {
        return root;
    }

    /** Where the key or list item at {@code path} is, or {@link Pos#NONE} when the path is not in the file. */
    Pos pos(String path) {
        return positions.getOrDefault(path, Pos.NONE);
    }

    /** Whether {@code node} replaces a value that was already reported (an alias, a binary value). */
    boolean alreadyReported(JsonNode node) {
        return reported.contains(node);
    }

    /** The path of key {@code key} inside the mapping at {@code parent}: {@code server.port}, {@code profiles["a b"]}. */
    static String child(String parent, String key) {
        String segment = PLAIN_KEY.matcher(key).matches() ? key : "[\"" + key.replace("\"", "\\\"") + "\"]";
        if (parent.isEmpty()) return segment;
        return segment.startsWith("[") ? parent + segment : parent + "." + segment;
    }

    /** The path of item {@code index} of the list at {@code parent}: {@code models[2]}. */
    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * Reads {@code text}. Structural problems that still leave a usable tree (a duplicate key, an alias, a second
     * document) go to {@code problems}; a syntax error ends the reading and is thrown at once, since nothing after
     * it can be trusted.
     *
     * @throws ConfigException for a YAML syntax error, with its line and column
     */
    static YamlTree parse(String text, Path source, Problems problems) throws ConfigException {
        Builder builder = new Builder(problems);
        try (YAMLParser parser = FACTORY.createParser(text)) {
            JsonNode root = null;
            if (parser.nextToken() != null) {
                builder.positions.put("", posOf(parser));
                root = builder.read(parser, "");
                if (parser.nextToken() != null) {
                    problems.add("", posOf(parser), "a second YAML document starts here (after '---'); "
                            + "the whole configuration must be one document");
                }
            }
            return new YamlTree(root, builder.positions, builder.reported);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(syntaxError(e)));
        } catch (IOException e) {
            // Reading from a String does no I/O; this is the parser's checked signature, not a real case.
            throw new ConfigException(source, List.of("cannot read YAML: " + e.getMessage()));
        }
    }

    private static Pos posOf(YAMLParser parser) {
        var location = parser.currentTokenLocation();
        return new Pos(location.getLineNr(), location.getColumnNr());
    }

    /**
     * SnakeYAML's own mark points at the offending character (a tab, an unclosed bracket); Jackson's location is
     * where its parser stood, sometimes a line earlier, so the mark wins when there is one.
     */
    private static String syntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
                return "YAML syntax error at line " + (marked.getProblemMark().getLine() + 1)
                        + ", column " + (marked.getProblemMark().getColumn() + 1) + ": " + marked.getProblem() + context;
            }
            if (t.getCause() == t) break;
        }
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage().lines().findFirst().orElse("");
        var location = e.getLocation();
        return location == null ? "YAML syntax error: " + message
                : "YAML syntax error at line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + message;
    }

    private static final class Builder {
        final Problems problems;
        final Map<String, Pos> positions = new HashMap<>();
        final Set<JsonNode> reported = Collections.newSetFromMap(new IdentityHashMap<>());

        Builder(Problems problems) {
            this.problems = problems;
        }

        /** Reads the value whose first token is current; leaves the parser on its last token. */
        JsonNode read(YAMLParser parser, String path) throws IOException {
            JsonToken token = parser.currentToken();
            return switch (token) {
                case START_OBJECT -> readMapping(parser, path);
                case START_ARRAY -> readList(parser, path);
                case VALUE_STRING -> {
                    if (parser.isCurrentAlias()) {
                        // Jackson hands an alias over as the anchor's name, which would pass for a value.
                        yield unusable(parser, path, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
                    }
                    yield NODES.textNode(parser.getText());
                }
                case VALUE_NUMBER_INT -> readInteger(parser);
                case VALUE_NUMBER_FLOAT -> readFloat(parser);
                case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(token == JsonToken.VALUE_TRUE);
                case VALUE_NULL -> NODES.nullNode();
                default -> unusable(parser, path, "tagged or binary YAML values are not supported here");
            };
        }

        private JsonNode readMapping(YAMLParser parser, String path) throws IOException {
            ObjectNode mapping = NODES.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                String keyPath = child(path, key);
                Pos pos = posOf(parser);
                parser.nextToken();
                if (mapping.has(key)) {
                    problems.add(keyPath, pos, "duplicate key; '" + key + "' is already set at line " + positions.get(keyPath).line() + ", remove one");
                    parser.skipChildren();
                    continue;
                }
                positions.put(keyPath, pos);
                mapping.set(key, read(parser, keyPath));
            }
            return mapping;
        }

        private JsonNode readList(YAMLParser parser, String path) throws IOException {
            ArrayNode list = NODES.arrayNode();
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                String itemPath = item(path, index++);
                positions.put(itemPath, posOf(parser));
                list.add(read(parser, itemPath));
            }
            return list;
        }

        /** A number Jackson cannot convert stays text, so the field's reader reports it in its own words. */
        private JsonNode readInteger(YAMLParser parser) throws IOException {
            try {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            } catch (JsonProcessingException | NumberFormatException e) {
                return NODES.textNode(parser.getText());
            }
        }

        private JsonNode readFloat(YAMLParser parser) throws IOException {
            try {
                return NODES.numberNode(parser.getDoubleValue()); // .inf arrives as infinity; readers want finite numbers
            } catch (JsonProcessingException | NumberFormatException e) {
                return NODES.textNode(parser.getText()); // .nan and friends
            }
        }

        private JsonNode unusable(YAMLParser parser, String path, String message) throws IOException {
            problems.add(path, posOf(parser), message);
            parser.skipChildren();
            // A fresh instance, so that identity marks exactly this value as reported.
            JsonNode standIn = new TextNode(parser.getText() == null ? "" : parser.getText());
            reported.add(standIn);
            return standIn;
        }
    }
}
