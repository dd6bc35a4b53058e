package dev.locality.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchInputsTest {
  @TempDir Path dir;

  @Test
  void aGlobMatchesLocalFilesAsSortedFileUrls() throws Exception {
    Files.createDirectories(dir.resolve("in/sub"));
    Files.write(dir.resolve("in/b.csv.gz"), new byte[] {31, -117});
    Files.write(dir.resolve("in/a.csv.gz"), new byte[] {31, -117});
    Files.write(dir.resolve("in/notes.md"), new byte[] {1});
    Files.write(dir.resolve("in/sub/c.csv.gz"), new byte[] {1});

    assertThat(BatchInputs.resolve(List.of("in/*.csv.gz"), dir))
        .containsExactly(
            "file://" + dir.resolve("in/a.csv.gz"), "file://" + dir.resolve("in/b.csv.gz"));
    assertThat(BatchInputs.resolve(List.of("in/**.csv.gz"), dir)).hasSize(3);
  }

  @Test
  void aManifestListsUrlsAndPathsRelativeToItself() throws Exception {
    Files.createDirectories(dir.resolve("lists"));
    Path manifest =
        Files.writeString(
            dir.resolve("lists/inputs.txt"),
            """
            # November
            https://data.example/2026-11-01.csv.gz

            https://data.example/2026-11-02.csv.gz
            ../local/2026-11-03.csv.gz
            https://data.example/2026-11-01.csv.gz
            """);

    assertThat(BatchInputs.resolve(List.of(manifest.toString()), dir))
        .containsExactly(
            "https://data.example/2026-11-01.csv.gz",
            "https://data.example/2026-11-02.csv.gz",
            "file://" + dir.resolve("local/2026-11-03.csv.gz"));
  }

  @Test
  void filesTheShellExpandedAreInputsThemselves() throws Exception {
    Path a = Files.write(dir.resolve("a.csv.gz"), new byte[] {31, -117, 8});
    Path b = Files.writeString(dir.resolve("b.csv"), "id,name\n1,x\n");

    assertThat(BatchInputs.resolve(List.of(a.toString(), b.toString()), dir))
        .containsExactly("file://" + a, "file://" + b);
  }

  @Test
  void nothingToRunIsAnError() {
    assertThatThrownBy(() -> BatchInputs.resolve(List.of("none/*.gz"), dir))
        .hasMessageContaining("no file matches");
    assertThatThrownBy(() -> BatchInputs.resolve(List.of("missing.txt"), dir))
        .hasMessageContaining("no such file");
  }

  @Test
  void idsAreStablePerPipelineInputAndSpec() {
    String spec = "a".repeat(64);
    String id = BatchIds.of("sales", "https://data.example/2026-11-01.csv.gz", spec);

    assertThat(id).matches("sales-[0-9a-f]{12}");
    assertThat(BatchIds.of("sales", "https://data.example/2026-11-01.csv.gz", spec)).isEqualTo(id);
    assertThat(BatchIds.of("sales", "https://data.example/2026-11-02.csv.gz", spec))
        .isNotEqualTo(id);
    assertThat(BatchIds.of("sales", "https://data.example/2026-11-01.csv.gz", "b".repeat(64)))
        .as("an edited spec gets new ids")
        .isNotEqualTo(id);
    assertThat(BatchIds.of("other", "https://data.example/2026-11-01.csv.gz", spec))
        .endsWith(id.substring("sales".length()));
  }
}
