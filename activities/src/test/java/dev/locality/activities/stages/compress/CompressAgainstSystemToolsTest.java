package dev.locality.activities.stages.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locality.activities.stages.SystemTools;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An oracle independent of the libraries the stage writes with: what {@code compress} writes is
 * read by {@code gzip}, {@code zstd}, {@code bzip2}, {@code xz}, {@code tar}, {@code unzip} and
 * Python's {@code zipfile}, and gives back the original bytes. A tool that is not installed skips
 * its test.
 */
class CompressAgainstSystemToolsTest {
  @TempDir Path tmp;
  private Path tree;

  @BeforeEach
  void makeTree() throws Exception {
    tree = Files.createDirectories(tmp.resolve("tree"));
    Random random = new Random(7);
    byte[] binary = new byte[300_000];
    random.nextBytes(binary);
    Files.createDirectories(tree.resolve("data/2024/q1"));
    Files.write(tree.resolve("data/2024/q1/blob.bin"), binary);
    StringBuilder csv = new StringBuilder("id,name,note\n");
    for (int i = 0; i < 20_000; i++)
      csv.append(i).append(",name ").append(random.nextInt()).append(",\"a, \"\"b\"\"\"\n");
    Files.writeString(tree.resolve("data/sales.csv"), csv);
    Files.writeString(tree.resolve("data/2024/émoji ✓.txt"), "unicode name\n");
    Files.writeString(
        tree.resolve("data/" + "long-name-".repeat(12) + ".csv"), "a name over 100 bytes\n");
    Files.write(tree.resolve("data/empty.txt"), new byte[0]);
  }

  @ParameterizedTest
  @CsvSource({"gzip,gzip,.gz", "zstd,zstd,.zst", "bzip2,bzip2,.bz2", "xz,xz,.xz"})
  void singleFilesDecompressWithTheirTool(String format, String tool, String suffix)
      throws Exception {
    assumeInstalled(tool);
    StageTestRunner.Outcome out = compressTree(format);
    for (var e : regularFiles(tree).entrySet()) {
      Path compressed = out.file(e.getKey().substring("data/".length()) + suffix);
      SystemTools.runIn(tmp, tool, "-t", compressed.toString());
      assertThat(SystemTools.decompress(tool, compressed))
          .as(e.getKey())
          .isEqualTo(Files.readAllBytes(e.getValue()));
    }
  }

  @ParameterizedTest
  @CsvSource({"tar,''", "tar.gz,gzip", "tar.bz2,bzip2", "tar.xz,xz", "tar.zst,zstd"})
  void tarBundlesExtractWithTar(String format, String tool) throws Exception {
    assumeInstalled("tar");
    if (!tool.isEmpty()) assumeInstalled(tool);
    Path archive = compressTree(format).file("bundle." + format);
    Path byTar = Files.createDirectories(tmp.resolve("by-tar"));
    String filter = tool.isEmpty() ? "" : tool + " -dc | ";
    SystemTools.runIn(byTar, "sh", "-c", "cat '" + archive + "' | " + filter + "tar -xf -");
    assertSameFiles(byTar);
  }

  @Test
  void zipBundlesExtractWithUnzipAndPythonsZipfile() throws Exception {
    Path archive = compressTree("zip").file("bundle.zip");
    if (installed("unzip")) {
      Path byUnzip = Files.createDirectories(tmp.resolve("by-unzip"));
      SystemTools.runIn(byUnzip, "unzip", "-q", archive.toString());
      assertSameFiles(byUnzip);
    }
    assumeInstalled("python3");
    SystemTools.runIn(tmp, "python3", "-m", "zipfile", "-t", archive.toString());
    Path byPython = Files.createDirectories(tmp.resolve("by-python"));
    SystemTools.runIn(
        tmp, "python3", "-m", "zipfile", "-e", archive.toString(), byPython.toString());
    assertSameFiles(byPython);
  }

  @Test
  void tarListsEntriesWithFixedTimeAndNoOwner() throws Exception {
    assumeInstalled("tar");
    Path archive = compressTree("tar").file("bundle.tar");
    Path listing = tmp.resolve("listing.txt");
    SystemTools.runIn(
        tmp, "sh", "-c", "TZ=UTC tar --numeric-owner -tvf '" + archive + "' > '" + listing + "'");
    var lines = Files.readAllLines(listing);
    assertThat(lines).hasSize(regularFiles(tree).size());
    assertThat(lines)
        .allSatisfy(l -> assertThat(l).startsWith("-rw-r--r-- 0/0").contains("1980-01-01 00:00"));
  }

  /** Runs the stage over the tree's files in the format, named {@code bundle.<format>}. */
  private StageTestRunner.Outcome compressTree(String format) throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(new CompressStage(), tmp.resolve("ours-" + format))
            .option("format", format);
    if (CompressFormat.fromOption(format).bundles()) runner.option("name", "bundle");
    for (var e : regularFiles(tree).entrySet())
      Files.copy(e.getValue(), runner.newInput(e.getKey()));
    return runner.run();
  }

  /** The tool extracted the same files as the tree's, common parent {@code data/} stripped. */
  private void assertSameFiles(Path extracted) throws Exception {
    TreeMap<String, Path> theirs = regularFiles(extracted);
    TreeMap<String, Path> original = new TreeMap<>();
    regularFiles(tree).forEach((k, v) -> original.put(k.substring("data/".length()), v));
    assertThat(theirs.keySet()).isEqualTo(original.keySet()).contains("2024/q1/blob.bin");
    for (String name : original.keySet())
      assertThat(Files.mismatch(theirs.get(name), original.get(name))).as(name).isEqualTo(-1L);
  }

  private static TreeMap<String, Path> regularFiles(Path root) throws Exception {
    TreeMap<String, Path> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> files.put(root.relativize(p).toString().replace('\\', '/'), p));
    }
    return files;
  }

  private static void assumeInstalled(String tool) {
    assumeTrue(installed(tool), tool + " is not installed");
  }

  private static boolean installed(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
