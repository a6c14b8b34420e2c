package dev.thinkroute.learn.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.route.CascadeTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CascadeTable} as one JSON file ({@value #FORMAT}): what {@code thinkroute think --save-cascade} writes and
 * a cascade profile's {@code table} reads. Written atomically; read with every problem named.
 */
public final class CascadeTableFile {

    public static final String FORMAT = "thinkroute-cascade/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CascadeTableFile() {
    }

    public static void write(Path file, CascadeTable table) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("source", table.source());
        root.put("alpha", table.alpha());
        root.put("expensive_cost_usd", table.expensiveCost());
        root.put("cost_scale_usd", table.costScale());
        ArrayNode levels = root.putArray("levels");
        for (CascadeTable.Level l : table.levels()) {
            levels.addObject().put("level", l.level()).put("n", l.n()).put("p_cheap", l.pCheap()).put("p_expensive", l.pExpensive());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IllegalArgumentException naming the file and what is wrong in it */
    public static CascadeTable read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(file + ": not a cascade table (format must be " + FORMAT + ", got "
                    + (root == null ? "nothing" : root.path("format")) + ")");
        }
        List<CascadeTable.Level> levels = new ArrayList<>();
        for (JsonNode l : root.path("levels")) {
            double pc = l.path("p_cheap").asDouble(Double.NaN), pe = l.path("p_expensive").asDouble(Double.NaN);
            if (!(pc >= 0 && pc <= 1) || !(pe >= 0 && pe <= 1) || !l.path("level").canConvertToInt()) {
                throw new IllegalArgumentException(file + ": level " + l + " needs a level and p_cheap, p_expensive in [0, 1]");
            }
            levels.add(new CascadeTable.Level(l.path("level").asInt(), l.path("n").asInt(), pc, pe));
        }
        try {
            return new CascadeTable(levels, root.path("expensive_cost_usd").asDouble(Double.NaN),
                    root.path("cost_scale_usd").asDouble(Double.NaN), root.path("alpha").asDouble(Double.NaN), root.path("source").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }
}
