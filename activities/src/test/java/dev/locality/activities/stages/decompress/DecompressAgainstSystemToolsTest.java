package dev.locality.activities.stages.decompress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.SystemTools;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other direction of the oracle: archives made by the system tools from a tree of text and
 * binary files, extracted by the {@code decompress} stage and by {@code tar -x}, {@code unzip},
 * {@code zstd -d}, {@code xz -d}, {@code bzip2 -d}: both give the same files, byte for byte.
 */
class DecompressAgainstSystemToolsTest {
  @TempDir Path tmp;
  private Path tree;

  @BeforeEach
  void makeTree() throws Exception {
    tree = Files.createDirectories(tmp.resolve("tree"));
    Random random = new Random(42);
    byte[] binary = new byte[300_000];
    random.nextBytes(binary);
    Files.createDirectories(tree.resolve("data/2024/q1"));
    Files.write(tree.resolve("data/2024/q1/blob.bin"), binary);
    StringBuilder csv = new StringBuilder("id,name,note\n");
    for (int i = 0; i < 20_000; i++)
      csv.append(i).append(",name ").append(random.nextInt()).append(",\"a, \"\"b\"\"\"\n");
    Files.writeString(tree.resolve("data/sales.csv"), csv);
    Files.writeString(tree.resolve("data/2024/émoji ✓.txt"), "unicode name\n");
    Files.write(tree.resolve("empty.txt"), new byte[0]);
  }

  @Test
  void tarGzExtractsAsTarDoes() throws Exception {
    Path archive = tmp.resolve("bundle.tar.gz");
    SystemTools.runIn(tree, "tar", "-czf", archive.toString(), "data", "empty.txt");
    Path byTar = Files.createDirectories(tmp.resolve("by-tar"));
    SystemTools.runIn(byTar, "tar", "-xzf", archive.toString());
    assertSameFiles(ours("bundle.tar.gz", archive), byTar);
  }

  @Test
  void tarXzAndTarBz2ExtractAsTarDoes() throws Exception {
    for (String flag : List.of("J", "j")) {
      Path archive = tmp.resolve("bundle-" + flag + ".tar");
      SystemTools.runIn(tree, "tar", "-c" + flag + "f", archive.toString(), "data");
      Path byTar = Files.createDirectories(tmp.resolve("by-tar-" + flag));
      SystemTools.runIn(byTar, "tar", "-x" + flag + "f", archive.toString());
      assertSameFiles(ours("b-" + flag + ".bin", archive), byTar);
    }
  }

  @Test
  void zipExtractsAsUnzipDoes() throws Exception {
    Path archive = tmp.resolve("bundle.zip");
    SystemTools.runIn(tree, "zip", "-q", "-r", "-D", archive.toString(), "data", "empty.txt");
    Path byUnzip = Files.createDirectories(tmp.resolve("by-unzip"));
    SystemTools.runIn(byUnzip, "unzip", "-q", archive.toString());
    assertSameFiles(ours("bundle.zip", archive), byUnzip);
  }

  @Test
  void singleFilesDecompressAsTheirToolsDo() throws Exception {
    Path csv = tree.resolve("data/sales.csv");
    for (String tool : List.of("zstd", "xz", "bzip2", "gzip")) {
      Path dir = Files.createDirectories(tmp.resolve("single-" + tool));
      Path compressed = dir.resolve("sales.csv.c");
      SystemTools.runIn(dir, "sh", "-c", tool + " -c " + csv + " > " + compressed);
      Path ourDir = Files.createDirectories(tmp.resolve("ours-" + tool));
      var run =
          StageTestRunner.of(new DecompressStage(), ourDir)
              .input("s.bin", Files.readAllBytes(compressed))
              .run();
      byte[] byTool = SystemTools.decompress(tool, compressed);
      assertThat(run.file("s.bin")).as(tool).hasBinaryContent(byTool);
      assertThat(byTool).isEqualTo(Files.readAllBytes(csv));
    }
  }

  /** The files the stage extracted from {@code archive}, by their output names. */
  private TreeMap<String, Path> ours(String name, Path archive) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ours-" + name));
    StageTestRunner runner = StageTestRunner.of(new DecompressStage(), dir);
    Files.copy(archive, runner.newInput(name));
    var run = runner.run();
    TreeMap<String, Path> files = new TreeMap<>();
    for (String output : run.outputNames()) files.put(output, run.file(output));
    assertThat(regularFiles(runner.outputDir()).keySet()).isEqualTo(files.keySet());
    return files;
  }

  private static void assertSameFiles(TreeMap<String, Path> a, Path theirs) throws Exception {
    TreeMap<String, Path> b = regularFiles(theirs);
    assertThat(a.keySet()).isEqualTo(b.keySet()).contains("data/2024/q1/blob.bin");
    for (String name : a.keySet())
      assertThat(Files.mismatch(a.get(name), b.get(name))).as(name).isEqualTo(-1L);
  }

  private static TreeMap<String, Path> regularFiles(Path root) throws Exception {
    TreeMap<String, Path> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> files.put(root.relativize(p).toString().replace('\\', '/'), p));
    }
    return files;
  }
}
