package dev.locality.activities.stages.decompress;

import dev.locality.activities.stages.internal.ArtifactNames;
import dev.locality.activities.stages.internal.EntryGlobs;
import dev.locality.activities.stages.internal.Options;
import dev.locality.stage.Artifact;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code decompress}: decompresses gzip, bzip2, xz or zstd files and extracts zip and tar
 * archives (also compressed tars), streaming.
 *
 * <pre>{@code
 * - type: decompress
 *   format: auto          # detected from the content, not the file name
 *   include: ["*.csv"]    # archive entries to extract; default all regular files
 * }</pre>
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code format}</td><td>string</td><td>{@code auto}</td><td>{@code auto} detects
 *       compression and archive from the content; or one of {@code gzip}, {@code bzip2}, {@code
 *       xz}, {@code zstd}, {@code zip}, {@code tar}, {@code tar.gz}, {@code tar.bz2}, {@code
 *       tar.xz}, {@code tar.zst} forces it (then {@code gzip} on a tar.gz gives the tar)</td></tr>
 *   <tr><td>{@code include}</td><td>list&lt;string&gt;</td><td>all regular files</td><td>globs
 *       choosing archive entries: a pattern with {@code /} matches the entry's path, one without
 *       its file name</td></tr>
 *   <tr><td>{@code materialize}</td><td>boolean</td><td>{@code true}</td><td>{@code false} hands
 *       a single compressed file on unchanged (after checking from its first bytes that it is one,
 *       in {@code format}) instead of writing it out decompressed: the next stage inflates it while
 *       it reads, on a second core, and no disk is spent on the decompressed copy. The next stage
 *       must read compressed input ({@link Stage#readsCompressedInput}: {@code transform-csv},
 *       {@code decompress}); the spec validation refuses it otherwise. Archives (zip, tar, tar.gz,
 *       ...) are extracted either way. The input stays on disk, so retries and resume work as
 *       always.</td></tr>
 * </table>
 *
 * <p>Worker settings (see {@link DecompressionLimits}): {@code maxUncompressedBytes} (size, default
 * {@code 100g}: bytes the stage may write in total), {@code maxCompressionRatio} (number, default
 * 1000: output bytes per compressed byte read, per input, enforced once the input has written 1
 * MiB), {@code maxArchiveEntries} (integer, default 100000: archive entries read in total). They
 * are checked while streaming, so a decompression bomb stops early.
 *
 * <p>Every data input artifact is processed; the framework passes others (rejects) through. A
 * compressed single file gives one output named like the input without its compression suffix
 * ({@code sales.csv.gz} gives {@code sales.csv}); an archive gives one output per included regular
 * entry, at the entry's relative path. Multi-member gzip files are read to the end. With {@code
 * materialize: false} a single compressed file is its own output (the input artifact, unchanged;
 * its compressed size counts in {@code bytesOut}).
 *
 * <p>Bad input ({@link dev.locality.stage.BadInputException}, never retried): content that is not a
 * supported format (with {@code format: auto}); corrupt or truncated data, naming the format, the
 * input, the entry and the compressed offset reached; entries with absolute paths or {@code ..}
 * escaping the output directory; symbolic and hard link entries (zip links are detected only in
 * plain zip files, which are read through their central directory); two entries extracting to the
 * same path; a limit above hit. Whatever the stage wrote is deleted on failure (by the framework).
 * Heartbeats carry compressed bytes read out of the inputs' total size. Thread-safe and stateless.
 */
public final class DecompressStage implements Stage {
  public static final String TYPE = "decompress";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Decompresses gzip/bzip2/xz/zstd files and extracts zip and tar archives";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return DecompressOptions.ALL;
  }

  /** A decompress stage next decompresses what this one hands on compressed. */
  @Override
  public boolean readsCompressedInput() {
    return true;
  }

  @Override
  public Optional<String> handsOnCompressed(StageConfig config) {
    return config.get(DecompressOptions.MATERIALIZE)
        ? Optional.empty()
        : Optional.of(DecompressOptions.MATERIALIZE.name());
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return DecompressOptions.SETTINGS;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    CompressionFormat format =
        CompressionFormat.fromOption(Options.read(input.config(), DecompressOptions.FORMAT));
    EntryGlobs include = EntryGlobs.of(Options.read(input.config(), DecompressOptions.INCLUDE));
    List<Artifact> artifacts = input.artifacts();
    List<Path> sources = new ArrayList<>();
    long bytesIn = 0;
    for (Artifact artifact : artifacts) {
      Path source = context.resolve(artifact);
      sources.add(source);
      bytesIn += Files.size(source);
    }
    long total = bytesIn;
    context.heartbeat(Progress.bytes(0, total));
    Extraction extraction =
        new Extraction(
            context.outputDir(),
            context::createOutput,
            include,
            DecompressionLimits.from(context),
            done -> context.progress(done, total),
            LOG);
    boolean materialize = Options.read(input.config(), DecompressOptions.MATERIALIZE);
    List<String> names = ArtifactNames.relativeToCommonParent(artifacts);
    List<Artifact> outputs = new ArrayList<>();
    long handedOn = 0;
    for (int i = 0; i < artifacts.size(); i++) {
      Artifact artifact = artifacts.get(i);
      if (!materialize
          && extraction.isSingleCompressedFile(sources.get(i), artifact.fileName(), format)) {
        LOG.info("{}: handed on compressed (materialize: false)", artifact.fileName());
        outputs.add(artifact);
        handedOn += Files.size(sources.get(i));
        continue;
      }
      int before = extraction.outputs().size();
      extraction.process(
          sources.get(i), artifact.fileName(), CompressionFormat.stripSuffix(names.get(i)), format);
      for (Path output : extraction.outputs().subList(before, extraction.outputs().size())) {
        outputs.add(context.artifact(output, -1));
      }
    }
    context.heartbeat(Progress.bytes(total, total));
    return StageResult.of(outputs, StageMetrics.bytes(bytesIn, extraction.bytesOut() + handedOn));
  }
}
