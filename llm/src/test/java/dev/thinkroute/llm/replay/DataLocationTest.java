package dev.thinkroute.llm.replay;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataLocationTest {

    @TempDir
    Path tmp;

    private Path cwd;
    private Path flag;
    private Path fromEnv;
    private Path relative;
    private Path home;

    @BeforeEach
    void layout() throws IOException {
        // tmp/work/main is the current directory, tmp/work/shared/datasets its ../shared/datasets.
        cwd = Files.createDirectories(tmp.resolve("work/main"));
        relative = Files.createDirectories(tmp.resolve("work/shared/datasets"));
        flag = Files.createDirectories(tmp.resolve("flag-data"));
        fromEnv = Files.createDirectories(tmp.resolve("env-data"));
        home = Files.createDirectories(tmp.resolve("home/repo"));
        Files.createDirectories(tmp.resolve("home/shared/datasets"));
    }

    private static Function<String, String> env(String value) {
        return value == null ? name -> null : Map.of(DataLocation.ENV, value)::get;
    }

    @Test
    void explicitPathWinsOverEnvAndRelative() {
        DataLocation loc = DataLocation.resolve(flag, env(fromEnv.toString()), cwd, home.toString());
        assertThat(loc.root()).isEqualTo(flag);
        assertThat(loc.source()).isEqualTo("--data");
        assertThat(loc.describe()).isEqualTo(flag + " (from --data)");
    }

    @Test
    void explicitRelativePathIsTakenFromTheCurrentDirectory() {
        DataLocation loc = DataLocation.resolve(Path.of("../../flag-data"), env(null), cwd, null);
        assertThat(loc.root()).isEqualTo(flag);
    }

    @Test
    void envWinsOverRelative() {
        DataLocation loc = DataLocation.resolve(null, env(fromEnv.toString()), cwd, home.toString());
        assertThat(loc.root()).isEqualTo(fromEnv);
        assertThat(loc.describe()).isEqualTo(fromEnv + " (from THINKROUTE_DATA)");
    }

    @Test
    void blankEnvCountsAsUnset() {
        DataLocation loc = DataLocation.resolve(null, env("  "), cwd, null);
        assertThat(loc.root()).isEqualTo(relative);
    }

    @Test
    void relativeToTheCurrentDirectoryWinsOverHome() {
        DataLocation loc = DataLocation.resolve(null, env(null), cwd, home.toString());
        assertThat(loc.root()).isEqualTo(relative);
        assertThat(loc.source()).contains("../shared/datasets").contains("current directory");
    }

    @Test
    void homePropertyIsTheLastResort() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("a/b"));
        DataLocation loc = DataLocation.resolve(null, env(null), elsewhere, home.toString());
        assertThat(loc.root()).isEqualTo(tmp.resolve("home/shared/datasets"));
        assertThat(loc.source()).contains("thinkroute.home");
    }

    @Test
    void nothingFoundListsEveryPlaceTriedAndHowToSetIt() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("a/b"));
        assertThatThrownBy(() -> DataLocation.resolve(null, env(null), elsewhere, tmp.resolve("nohome").toString()))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining("--data (not given)")
                .hasMessageContaining("THINKROUTE_DATA (not set)")
                .hasMessageContaining(tmp.resolve("a/shared/datasets").toString())
                .hasMessageContaining("thinkroute.home")
                .hasMessageContaining(tmp.resolve("shared/datasets").toString())
                .hasMessageContaining("Pass --data <dir> or set THINKROUTE_DATA=<dir>");
    }

    @Test
    void nothingFoundWithoutHomeSaysThePropertyIsUnset() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("a/b"));
        assertThatThrownBy(() -> DataLocation.resolve(null, env(null), elsewhere, null))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining("thinkroute.home (system property not set)");
    }

    @Test
    void aMissingExplicitPathIsAnErrorNotAFallThrough() {
        Path missing = tmp.resolve("typo");
        assertThatThrownBy(() -> DataLocation.resolve(missing, env(fromEnv.toString()), cwd, home.toString()))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining("--data " + missing)
                .hasMessageContaining("no such directory");
    }

    @Test
    void aMissingEnvPathIsAnErrorNotAFallThrough() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> DataLocation.resolve(null, env(file.toString()), cwd, home.toString()))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining("THINKROUTE_DATA=" + file)
                .hasMessageContaining("not a directory");
    }

    @Test
    void theBuildFindsTheSharedDatasets() {
        // Surefire sets thinkroute.home to the repository root, so this works from the module directory.
        DataLocation loc = DataLocation.resolve((Path) null);
        assertThat(loc.root().resolve("routellm")).isDirectory();
    }
}
