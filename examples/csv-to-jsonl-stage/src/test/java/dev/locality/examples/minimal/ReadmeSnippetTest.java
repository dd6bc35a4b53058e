package dev.locality.examples.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Writing a stage" shows {@link UppercaseStage} and {@link UppercaseStageTest} as
 * they are compiled and run here: each file's text must equal the {@code java} block after the
 * README's {@code <!-- minimal-stage: <file> -->} marker, and the two stay within 60 lines.
 */
class ReadmeSnippetTest {
  private static final Path SOURCES = Path.of("src/test/java/dev/locality/examples/minimal");

  @Test
  void theReadmeShowsTheCompiledMinimalStageAndItsTest() throws IOException {
    String readme = Files.readString(readme());
    int lines = 0;
    for (String file : List.of("UppercaseStage.java", "UppercaseStageTest.java")) {
      String source = Files.readString(SOURCES.resolve(file));
      assertEquals(source, block(readme, file), "README block for " + file);
      lines += source.split("\n", -1).length - 1;
    }
    assertTrue(lines <= 60, "the minimal stage and its test take " + lines + " lines");
  }

  /** The text of the {@code java} block that follows the marker for {@code file}. */
  private static String block(String readme, String file) {
    String marker = "<!-- minimal-stage: " + file + " -->";
    int at = readme.indexOf(marker);
    assertTrue(at >= 0, "README.md has no " + marker);
    int start = readme.indexOf("```java\n", at) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```\n", start));
  }

  /** README.md of the repository: two levels up from this module, found by walking up. */
  private static Path readme() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("README.md");
      if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("stage-api")))
        return candidate;
    }
    throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
  }
}
