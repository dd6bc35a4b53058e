package dev.locality.activities.stages.upload;

import dev.locality.activities.stages.internal.AllowedFileRoots;
import dev.locality.activities.stages.s3.S3Settings;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.util.ArrayList;
import java.util.List;

/** The options of the {@code upload} stage and the worker settings it reads. */
public final class UploadOptions {
  private UploadOptions() {}

  public static final OptionSpec<String> TO =
      OptionSpec.builder("to", OptionType.STRING)
          .description(
              "Target URI template, e.g. file:///data/out/{name}/{date}/{file} or"
                  + " s3://bucket/{name}/{file}; placeholders {name}, {runId}, {workflowId}, {file},"
                  + " {path} (the file's path in the previous stage's output, keeping partition"
                  + " directories like state=CA/), {date}")
          .required()
          .build();

  public static final OptionSpec<Boolean> OVERWRITE =
      OptionSpec.builder("overwrite", OptionType.BOOLEAN)
          .description(
              "Replace existing targets; false makes an existing target with other content an"
                  + " error")
          .defaultValue(true)
          .build();

  public static final OptionSpec<Boolean> LINK =
      OptionSpec.builder("link", OptionType.BOOLEAN)
          .description(
              "file:// targets on the worker's file system are published by hard link to the"
                  + " worker's copy (no second copy of the bytes; the file is forced to disk"
                  + " first); false always copies. Other file systems and S3 always copy")
          .defaultValue(true)
          .build();

  /** Worker setting: S3 uploads of at least this many bytes use multipart. */
  public static final SettingSpec<Long> S3_MULTIPART_THRESHOLD =
      SettingSpec.builder("s3MultipartThreshold", OptionType.SIZE)
          .description("S3 uploads of at least this many bytes use multipart upload")
          .defaultValue(64L << 20)
          .defaultText("64m")
          .validator(b -> b < 1 ? "must be at least 1 byte" : null)
          .build();

  /** Worker setting: the preferred S3 multipart part size. */
  public static final SettingSpec<Long> S3_PART_SIZE =
      SettingSpec.builder("s3PartSize", OptionType.SIZE)
          .description("Preferred S3 multipart part size (at least 5m)")
          .defaultValue(8L << 20)
          .defaultText("8m")
          .validator(b -> b < (5L << 20) ? "below the minimum 5 MiB" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL = List.of(TO, OVERWRITE, LINK);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS = settings();

  private static List<SettingSpec<?>> settings() {
    List<SettingSpec<?>> all =
        new ArrayList<>(
            List.of(AllowedFileRoots.UPLOAD_SETTING, S3_MULTIPART_THRESHOLD, S3_PART_SIZE));
    all.addAll(S3Settings.ALL);
    return List.copyOf(all);
  }
}
