package dev.locality.activities.stages.decompress;

import static dev.locality.activities.stages.Fixtures.concat;
import static dev.locality.activities.stages.Fixtures.truncated;
import static dev.locality.activities.stages.SystemTools.bzip2;
import static dev.locality.activities.stages.SystemTools.gzip;
import static dev.locality.activities.stages.SystemTools.tar;
import static dev.locality.activities.stages.SystemTools.utf8;
import static dev.locality.activities.stages.SystemTools.xz;
import static dev.locality.activities.stages.SystemTools.zip;
import static dev.locality.activities.stages.SystemTools.zstd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.Fixtures;
import dev.locality.activities.stages.SystemTools;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.Progress;
import dev.locality.stage.runtime.InvalidWorkerSettingsException;
import dev.locality.stage.runtime.WorkerSettingValues;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every compressed or archived input here is made by the system tools ({@link SystemTools}), not by
 * Commons Compress (the library under test); only the hostile entries no tool writes on request
 * (slip, absolute paths, links) come from {@link Fixtures}.
 */
class DecompressStageTest {
  @TempDir Path tmp;

  private StageTestRunner runner() {
    return StageTestRunner.of(new DecompressStage(), tmp);
  }

  @Test
  void gunzipsToTheNameWithoutSuffixAndCountsBytes() throws Exception {
    byte[] gz = gzip("a,b\n1,2\n");
    var run = runner().input("sales.csv.gz", gz).run();
    assertThat(run.outputNames()).containsExactly("sales.csv");
    assertThat(run.text("sales.csv")).isEqualTo("a,b\n1,2\n");
    assertThat(run.metrics().bytesIn()).isEqualTo(gz.length);
    assertThat(run.metrics().bytesOut()).isEqualTo(8);
    assertThat(run.outputs().get(0).sha256()).hasSize(64);
    assertThat(run.heartbeats()).last().isEqualTo(Progress.bytes(gz.length, gz.length));
  }

  @Test
  void readsEveryMemberOfAMultiMemberGzip() throws Exception {
    var run = runner().input("log.gz", concat(gzip("first\n"), gzip("second\n"))).run();
    assertThat(run.text("log")).isEqualTo("first\nsecond\n");
  }

  @Test
  void detectsBzip2XzAndZstdFromContentNotName() throws Exception {
    var run =
        runner()
            .input("a.bin", bzip2("bzip2 data"))
            .input("b.bin", xz("xz data"))
            .input("c.zst", zstd("zstd data"))
            .run();
    assertThat(run.outputNames()).containsExactly("a.bin", "b.bin", "c");
    assertThat(run.text("a.bin")).isEqualTo("bzip2 data");
    assertThat(run.text("b.bin")).isEqualTo("xz data");
    assertThat(run.text("c")).isEqualTo("zstd data");
  }

  @Test
  void extractsTarGzKeepingNestedDirectories() throws Exception {
    byte[] archive = gzip(tar("data/2023/jan.csv", "x\n", "data/readme.txt", "hello"));
    var run = runner().input("bundle.tgz", archive).run();
    assertThat(run.outputNames()).containsExactly("data/2023/jan.csv", "data/readme.txt");
    assertThat(run.text("data/2023/jan.csv")).isEqualTo("x\n");
  }

  @Test
  void includeGlobsMatchFileNamesOrWholePaths() throws Exception {
    byte[] archive = zip("a/one.csv", "1", "a/b/two.csv", "2", "notes.txt", "n");
    assertThat(runner().option("include", "*.csv").input("z.zip", archive).run().outputNames())
        .containsExactly("a/one.csv", "a/b/two.csv");
  }

  @Test
  void includeWithASlashMatchesThePath() throws Exception {
    byte[] archive = zip("a/one.csv", "1", "a/b/two.csv", "2", "notes.txt", "n");
    var run = runner().option("include", List.of("a/*.csv", "notes.*")).input("z.zip", archive);
    assertThat(run.run().outputNames()).containsExactly("a/one.csv", "notes.txt");
  }

  @Test
  void explicitFormatTarReadsAPlainTar() throws Exception {
    var run = runner().option("format", "tar").input("x.tar", tar("f.txt", "content")).run();
    assertThat(run.text("f.txt")).isEqualTo("content");
  }

  @Test
  void gzipFormatOnATarGzGivesTheTar() throws Exception {
    byte[] tarBytes = tar("f.txt", "content");
    var run = runner().option("format", "gzip").input("x.tar.gz", gzip(tarBytes)).run();
    assertThat(run.outputNames()).containsExactly("x.tar");
    assertThat(run.file("x.tar")).hasBinaryContent(tarBytes);
  }

  @Test
  void corruptGzipIsBadInputNamingFormatAndFile() throws Exception {
    byte[] gz = gzip("some text that compresses ".repeat(200));
    for (int i = 20; i < 60; i++) gz[i] = (byte) 0xFF;
    var error = runner().input("broken.csv.gz", gz).runExpectingBadInput();
    assertThat(error).hasMessageContaining("gzip").hasMessageContaining("broken.csv.gz");
  }

  @Test
  void truncatedGzipIsBadInput() throws Exception {
    byte[] gz = gzip("some text that compresses ".repeat(200));
    var error = runner().input("cut.gz", truncated(gz, gz.length / 2)).runExpectingBadInput();
    assertThat(error).hasMessageContaining("truncated").hasMessageContaining("cut.gz");
  }

  @Test
  void truncatedTarIsBadInput() throws Exception {
    byte[] archive = tar("big.txt", "x".repeat(5000));
    var error = runner().input("cut.tar", truncated(archive, 2048)).runExpectingBadInput();
    assertThat(error).hasMessageContaining("tar").hasMessageContaining("cut.tar");
  }

  @Test
  void tarSlipEntryIsBadInputNamingTheEntry() throws Exception {
    byte[] archive = Fixtures.tar("ok.txt", "fine", "../../evil.sh", "boom");
    var error = runner().input("slip.tar", archive).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'../../evil.sh'").hasMessageContaining("slip.tar");
    assertThat(tmp.resolve("session/evil.sh")).doesNotExist();
  }

  @Test
  void zipSlipEntryIsBadInput() throws Exception {
    var error =
        runner().input("slip.zip", Fixtures.zip("a/../../x.txt", "boom")).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'a/../../x.txt'").hasMessageContaining("outside");
  }

  @Test
  void absoluteEntryIsBadInput() throws Exception {
    var error =
        runner().input("abs.tar", Fixtures.tar("/etc/passwd", "root")).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'/etc/passwd'").hasMessageContaining("absolute");
  }

  @Test
  void symlinkEntryInTarIsBadInput() throws Exception {
    byte[] archive = Fixtures.tar(t -> Fixtures.link(t, "passwd", "/etc/passwd", true));
    var error = runner().input("links.tar", archive).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("'passwd'")
        .hasMessageContaining("symbolic link")
        .hasMessageContaining("links.tar");
  }

  @Test
  void hardLinkEntryInTarIsBadInput() throws Exception {
    byte[] archive =
        Fixtures.tar(
            t -> {
              Fixtures.file(t, "a.txt", "a");
              Fixtures.link(t, "b.txt", "a.txt", false);
            });
    var error = runner().input("links.tar", archive).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'b.txt'").hasMessageContaining("hard link");
  }

  @Test
  void symlinkEntryInZipIsBadInput() throws Exception {
    byte[] archive = Fixtures.zipOfSymlinks("shadow", "/etc/shadow");
    var error = runner().input("links.zip", archive).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'shadow'").hasMessageContaining("symbolic link");
  }

  @Test
  void plainTextWithAutoIsNotRecognised() throws Exception {
    var error = runner().input("plain.csv", utf8("a,b\n1,2\n")).runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("not a recognised compressed/archive format")
        .hasMessageContaining("plain.csv");
  }

  @Test
  void explicitGzipOnOtherDataIsBadInput() throws Exception {
    var error =
        runner().option("format", "gzip").input("x.gz", utf8("not gzip")).runExpectingBadInput();
    assertThat(error).hasMessageContaining("gzip").hasMessageContaining("x.gz");
  }

  @Test
  void validationRejectsUnknownFormatAndBadGlob() {
    assertThat(runner().option("format", "rar").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("format"));
    assertThat(runner().option("include", "[a-").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("include"));
  }

  @Test
  void compressedTarsOfEveryKindAreDetected() throws Exception {
    byte[] tarBytes = tar("d/f.csv", "a\n1\n");
    for (var compress :
        List.<java.util.function.Function<byte[], byte[]>>of(
            SystemTools::bzip2, SystemTools::xz, SystemTools::zstd, SystemTools::gzip)) {
      Path dir = java.nio.file.Files.createTempDirectory(tmp, "t");
      var each =
          StageTestRunner.of(new DecompressStage(), dir).input("x", compress.apply(tarBytes)).run();
      assertThat(each.outputNames()).containsExactly("d/f.csv");
      assertThat(each.text("d/f.csv")).isEqualTo("a\n1\n");
    }
  }

  @Test
  void highlyCompressibleSmallFilesAreBelowTheRatioFloor() throws Exception {
    byte[] zeros = gzip(new byte[512 * 1024]); // ratio ~500 but only 512 KiB of output
    var run =
        runner()
            .workerSetting(DecompressOptions.MAX_COMPRESSION_RATIO.name(), "10")
            .input("z.gz", zeros)
            .run();
    assertThat(run.metrics().bytesOut()).isEqualTo(512 * 1024);
  }

  @Test
  void theRatioLimitStopsABombEarly() throws Exception {
    byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
    var error =
        runner()
            .workerSetting(DecompressOptions.MAX_COMPRESSION_RATIO.name(), "50")
            .input("bomb.gz", bomb)
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxCompressionRatio=50")
        .hasMessageContaining("bomb.gz");
    // stopped once 50 x the compressed bytes read (here the whole ~64 KiB file) were written
    long written =
        Long.parseLong(error.getMessage().replaceAll(".*: (\\d+) bytes written.*", "$1"));
    assertThat(written).isLessThanOrEqualTo(50L * bomb.length + 64 * 1024).isLessThan(8 << 20);
  }

  @Test
  void theTotalLimitCountsAllInputsAndEntries() throws Exception {
    var error =
        runner()
            .workerSetting(DecompressOptions.MAX_UNCOMPRESSED_BYTES.name(), "100k")
            .input("a.gz", gzip("x".repeat(60_000)))
            .input("b.tar", tar("e.txt", "y".repeat(60_000)))
            .runExpectingBadInput();
    assertThat(error)
        .hasMessageContaining("maxUncompressedBytes=102400")
        .hasMessageContaining("entry 'e.txt' of b.tar");
  }

  @Test
  void theEntryLimitCountsEntriesOfZipFiles() throws Exception {
    var error =
        runner()
            .workerSetting(DecompressOptions.MAX_ARCHIVE_ENTRIES.name(), "2")
            .input("z.zip", zip("a", "1", "b", "2", "c", "3"))
            .runExpectingBadInput();
    assertThat(error).hasMessageContaining("maxArchiveEntries=2").hasMessageContaining("z.zip");
  }

  @Test
  void badLimitSettingsStopTheWorkerAtStartUp() throws Exception {
    var stages = java.util.List.of(new DecompressStage());
    for (String[] bad :
        new String[][] {
          {"maxUncompressedBytes", "lots", "'lots' is not a byte size"},
          {"maxCompressionRatio", "-1", "must be a positive number"},
          {"maxArchiveEntries", "0", "must be a positive integer"}
        }) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> WorkerSettingValues.check(java.util.Map.of(bad[0], bad[1]), stages))
          .isInstanceOf(InvalidWorkerSettingsException.class)
          .hasMessage(
              "worker setting "
                  + bad[0]
                  + ": "
                  + bad[2]
                  + (bad[0].equals("maxUncompressedBytes")
                      ? " (write e.g. 1048576, 64m, 100g)"
                      : ""));
    }
    assertThat(ByteSizes.parse("10MiB")).isEqualTo(10L << 20);
    assertThat(ByteSizes.parse("1t")).isEqualTo(1L << 40);
  }

  @Test
  void aCorruptZipEntryIsFoundByItsCrc() throws Exception {
    byte[] archive = zip("data.csv", "some text that is long enough ".repeat(50));
    // the entry is stored deflated: flip a byte of the compressed data, keep the structure
    var header = java.nio.ByteBuffer.wrap(archive).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(header.getShort(8)).as("deflated").isEqualTo((short) 8);
    int dataStart = 30 + header.getShort(26) + header.getShort(28); // name and extra field
    archive[dataStart + 20] ^= 0x01;
    var error = runner().input("c.zip", archive).runExpectingBadInput();
    assertThat(error).hasMessageContaining("'data.csv'").hasMessageContaining("c.zip");
  }
}
