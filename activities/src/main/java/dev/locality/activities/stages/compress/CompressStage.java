package dev.locality.activities.stages.compress;

import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.Options;
import dev.locality.stage.Artifact;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage {@code compress}: compresses files with gzip, zstd, bzip2 or xz, or bundles them into one
 * tar (plain or compressed) or zip archive, streaming. The inverse of {@code decompress}.
 *
 * <pre>{@code
 * - type: compress
 *   format: tar.gz        # one archive of every file; gzip alone compresses each file
 *   level: 9
 *   name: daily-export    # gives daily-export.tar.gz
 * }</pre>
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code format}</td><td>string</td><td>{@code gzip}</td><td>{@code gzip}, {@code
 *       zstd}, {@code bzip2}, {@code xz}: one output per input, named like it plus {@code .gz},
 *       {@code .zst}, {@code .bz2}, {@code .xz}; {@code tar}, {@code tar.gz}, {@code tar.zst},
 *       {@code tar.bz2}, {@code tar.xz}, {@code zip}: one archive of all inputs</td></tr>
 *   <tr><td>{@code level}</td><td>integer</td><td>per format</td><td>gzip 1-9 (default 6), zstd
 *       1-19 (3), bzip2 1-9 (9), xz 0-9 (6), zip 0-9 (6; 0 stores); a tar format takes its
 *       compression's range, plain {@code tar} none. Out of range is an invalid spec</td></tr>
 *   <tr><td>{@code name}</td><td>string</td><td>the pipeline's name, else {@code
 *       bundle}</td><td>the archive's file name, its suffix added unless present; bundling formats
 *       only</td></tr>
 * </table>
 *
 * <p>Worker setting {@code compressZstdWorkers} (integer, default 0): background threads zstd
 * compresses with; 0 compresses on the stage's thread.
 *
 * <p>Every data input artifact is processed; the framework passes others (rejects) through
 * unchanged. Inputs are named relative to the deepest directory they share, as {@code decompress}
 * names its outputs: {@code x/2023/a.csv} and {@code x/2024/a.csv} give {@code 2023/a.csv.gz} and
 * {@code 2024/a.csv.gz}, or archive entries {@code 2023/a.csv} and {@code 2024/a.csv}. Archives are
 * reproducible: entries have a fixed time (1980-01-01), mode 0644, no owner and no directory
 * entries, and gzip headers no name or time, so the same inputs give the same bytes. No inputs give
 * no outputs for single-file formats and an empty archive for the others.
 *
 * <p>Memory does not grow with the input (64 KiB buffers plus the codec's state: xz needs about 94
 * MiB at level 6 and 674 MiB at 9). Heartbeats carry uncompressed bytes read out of the inputs'
 * total size. A cancelled attempt stops at the next buffer; whatever it wrote is deleted by the
 * framework, as after any failure. Failures are I/O errors (transient). Thread-safe and stateless.
 */
public final class CompressStage implements Stage {
  public static final String TYPE = "compress";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Compresses files (gzip/zstd/bzip2/xz) or bundles them into a tar or zip archive";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return CompressOptions.ALL;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return CompressOptions.SETTINGS;
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    return CompressOptions.problems(config);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    CompressFormat format =
        CompressFormat.fromOption(Options.read(input.config(), CompressOptions.FORMAT));
    int level = format.level(Options.read(input.config(), CompressOptions.LEVEL));
    int zstdWorkers = context.setting(CompressOptions.ZSTD_WORKERS).intValue();
    List<Artifact> artifacts = input.artifacts();
    List<Path> sources = new ArrayList<>();
    long total = 0;
    for (Artifact artifact : artifacts) {
      Path source = context.resolve(artifact);
      sources.add(source);
      total += Files.size(source);
    }
    long bytesTotal = total;
    context.heartbeat(Progress.bytes(0, bytesTotal));
    Compression compression =
        new Compression(
            context.outputDir(),
            context::createOutput,
            format,
            level,
            zstdWorkers,
            done -> context.progress(done, bytesTotal));
    List<String> names = ArtifactNames.relativeToCommonParent(artifacts);
    if (format.bundles()) {
      String fileName =
          BundleName.of(
              Options.read(input.config(), CompressOptions.NAME),
              context.pipeline().name(),
              format);
      compression.bundle(sources, names, fileName);
    } else {
      compression.compressEach(sources, names);
    }
    context.heartbeat(Progress.bytes(bytesTotal, bytesTotal));
    List<Artifact> outputs = new ArrayList<>();
    long bytesOut = 0;
    for (Path output : compression.outputs()) {
      Artifact artifact = context.artifact(output, -1);
      outputs.add(artifact);
      bytesOut += artifact.bytes();
    }
    return StageResult.of(outputs, StageMetrics.bytes(compression.bytesIn(), bytesOut));
  }
}
