package dev.locality.activities.stages;

import dev.locality.activities.stages.internal.AllowedFileRoots;
import dev.locality.activities.stages.internal.Options;
import dev.locality.activities.stages.internal.OutputCleanup;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.internal.StreamCopy;
import dev.locality.api.spec.Problem;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.OptionSpec;
import dev.locality.api.stage.OptionType;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageContext;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageMetrics;
import dev.locality.api.stage.StageResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Stage {@code download}: fetches one file from an http(s) or {@code file:} URL into the stage's
 * output directory, optionally checking its SHA-256.
 *
 * <pre>{@code
 * - type: download
 *   url: https://example.org/data/sales.csv.gz
 *   sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * }</pre>
 *
 * <p>The file is stored under the last segment of the URL's path ({@code sales.csv.gz}), or {@code
 * download} when the path has none. Redirects are followed (not from https to http). Input
 * artifacts are ignored.
 *
 * <p>Errors: HTTP 4xx (other than 408 and 429), a missing local file, a {@code file:} path outside
 * the worker setting {@code allowedFileRoots} and a checksum mismatch are bad input; HTTP 5xx, 408,
 * 429, connection failures, a body shorter than its Content-Length and a stall longer than {@code
 * idleTimeout} are transient and retried. Heartbeats carry bytes done out of Content-Length (or the
 * file size). Thread-safe: one instance (and one {@link HttpClient}) serves all sessions.
 */
public final class DownloadStage implements Stage {
  public static final String TYPE = "download";

  public static final OptionSpec<String> URL =
      OptionSpec.builder("url", OptionType.STRING)
          .description("Where to fetch the file: an http, https or file:/// URL")
          .required()
          .build();

  public static final OptionSpec<String> SHA256 =
      OptionSpec.builder("sha256", OptionType.STRING)
          .description("Expected SHA-256 of the file (64 hex digits); a mismatch fails the stage")
          .validator(v -> Sha256.isHex(v) ? null : "expected 64 hex digits, got '" + v + "'")
          .build();

  public static final OptionSpec<Duration> IDLE_TIMEOUT =
      OptionSpec.builder("idleTimeout", OptionType.DURATION)
          .description(
              "Give up (and retry) when an HTTP server sends nothing for this long, also while"
                  + " waiting for the response headers")
          .defaultValue(Duration.ofSeconds(60))
          .validator(d -> d.isNegative() || d.isZero() ? "must be positive" : null)
          .build();

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private volatile HttpClient httpClient;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Fetches a file from an http(s) or file URL, verifying its SHA-256 when given";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(URL, SHA256, IDLE_TIMEOUT);
  }

  @Override
  public List<Problem> validate(StageConfig config) {
    try {
      SourceUrl.parse(config.get(URL));
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(Problem.stage(-1, TYPE, URL.name(), e.getMessage()));
    }
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    StageConfig config = input.config();
    SourceUrl source;
    try {
      source = SourceUrl.parse(Options.read(config, URL));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("option 'url': " + e.getMessage(), e);
    }
    String expectedSha = Options.read(config, SHA256);
    Path target = context.outputDir().resolve(source.fileName());
    try {
      MessageDigest digest = Sha256.newDigest();
      long bytes;
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        bytes =
            source.local()
                ? copyLocal(source, out, digest, context)
                : fetchHttp(source, out, digest, context, Options.read(config, IDLE_TIMEOUT));
      }
      String actualSha = Sha256.hex(digest);
      if (expectedSha != null && !expectedSha.toLowerCase(Locale.ROOT).equals(actualSha)) {
        throw new BadInputException(
            "SHA-256 mismatch for "
                + source
                + ": expected "
                + expectedSha.toLowerCase(Locale.ROOT)
                + ", actual "
                + actualSha
                + " ("
                + bytes
                + " bytes)");
      }
      Artifact artifact = context.artifact(target, -1);
      return StageResult.of(List.of(artifact), StageMetrics.bytes(bytes, bytes));
    } catch (Throwable t) {
      OutputCleanup.deleteContents(context.outputDir(), t);
      throw t;
    }
  }

  private long fetchHttp(
      SourceUrl source,
      OutputStream out,
      MessageDigest digest,
      StageContext context,
      Duration idleTimeout)
      throws IOException, InterruptedException {
    ProgressReporter[] progress = new ProgressReporter[1];
    long bytes =
        new HttpFetcher(client(), idleTimeout)
            .fetch(
                source.uri(),
                out,
                digest,
                length -> {
                  progress[0] = ProgressReporter.bytes(context, length);
                  progress[0].reportNow(0);
                },
                done -> progress[0].report(done));
    progress[0].reportNow(bytes);
    return bytes;
  }

  private long copyLocal(
      SourceUrl source, OutputStream out, MessageDigest digest, StageContext context)
      throws IOException {
    Path path = source.localPath();
    AllowedFileRoots roots =
        AllowedFileRoots.parse(context.workerSetting(AllowedFileRoots.SETTING));
    if (!roots.allows(path)) {
      throw new BadInputException(
          "file "
              + path
              + " (from url "
              + source
              + ") is outside the worker's allowed file roots "
              + roots
              + " (worker setting "
              + AllowedFileRoots.SETTING
              + ")");
    }
    if (Files.isDirectory(path)) {
      throw new BadInputException("file " + path + " (from url " + source + ") is a directory");
    }
    try (InputStream in = Files.newInputStream(path)) {
      ProgressReporter progress = ProgressReporter.bytes(context, Files.size(path));
      progress.reportNow(0);
      long bytes = StreamCopy.copy(in, out, digest, progress::report);
      progress.reportNow(bytes);
      return bytes;
    } catch (NoSuchFileException e) {
      throw new BadInputException("file not found: " + path + " (from url " + source + ")", e);
    }
  }

  private HttpClient client() {
    HttpClient client = httpClient;
    if (client == null) {
      synchronized (this) {
        client = httpClient;
        if (client == null) {
          client =
              HttpClient.newBuilder()
                  .followRedirects(HttpClient.Redirect.NORMAL)
                  .connectTimeout(CONNECT_TIMEOUT)
                  .build();
          httpClient = client;
        }
      }
    }
    return client;
  }
}
