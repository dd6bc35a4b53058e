package dev.locality.examples.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UppercaseStageTest {
  @Test
  void upperCasesEachFile(@TempDir Path tmp) throws Exception {
    var out = StageTestRunner.of(new UppercaseStage(), tmp).input("a.txt", "Hi\nyou\n").run();
    assertEquals("HI\nYOU\n", out.text("a.txt"));
  }
}
