package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.FileContainment;
import dev.locality.activities.stages.internal.OpenedFile;
import dev.locality.activities.stages.internal.Options;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.internal.StreamCopy;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.activities.stages.s3.S3Clients;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.ByteSizes;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code download}: fetches one file from an http(s), {@code file:} or {@code s3:} URL into
 * the stage's output directory, optionally checking its SHA-256.
 *
 * <pre>{@code
 * - type: download
 *   url: https://example.org/data/sales.csv.gz     # or s3://bucket/data/sales.csv.gz
 *   sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * }</pre>
 *
 * <p>The file is stored under the last segment of the URL's path ({@code sales.csv.gz}), or {@code
 * download} when the path has none.
 *
 * <p><b>Many files.</b> {@code urls} lists several sources, and any source may be an {@code s3://}
 * or {@code file://} glob ({@link SourcePattern}, expanded by {@link S3Glob} and {@link LocalGlob},
 * at most {@code maxMatches} files each); each file becomes one artifact, named by {@link
 * DownloadNames} (unique and stable). Up to {@code parallelism} files are fetched at once by {@link
 * ConcurrentFiles}, each resumable on a retry from its own partial file; {@code maxDownloadBytes}
 * bounds each file and their sum; the first failure cancels the others and fails the stage.
 *
 * <p><b>Incremental runs.</b> With {@code ifChanged: true} the sources' versions are probed first
 * ({@link SourceVersions}) and reported as the result's {@code sourceVersion}; when they equal
 * {@code lastSourceVersion} (which the pipeline workflow sets from its last successful run) the
 * stage fetches nothing and returns no outputs, and the pipeline ends as SKIPPED_UNCHANGED. Input
 * artifacts are ignored (all of them: it {@linkplain #consumes consumes} every kind, so none is
 * passed on). Metrics: bytes in = bytes this attempt transferred from the source, bytes out = size
 * of the file.
 *
 * <p><b>Cache.</b> With {@code cache: true} and the worker's cache on ({@code --cache-size}, worker
 * setting {@link DownloadOptions#CACHE_SIZE}) each http(s) or S3 file goes through the worker's
 * {@link DownloadCache}: keyed by {@link CacheKey} (the URL and its validator, asked first with a
 * HEAD, or the given SHA-256), handed over by hard link on a hit (bytes in 0), downloaded as below
 * and then cached on a miss. Sources without a validator or SHA-256, {@code file:} URLs and files
 * larger than the cache are not cached. The worker reports the hashes of the URLs it holds ({@link
 * #cachedUrlHashes}) so that pipelines over them are offered to it first.
 *
 * <p><b>Resuming.</b> Network downloads are written to the attempt's resume directory (see {@link
 * PartialDownload}) and moved into the output directory when complete and verified. A retried
 * attempt on the same worker continues after the bytes the previous one received: over HTTP with
 * {@code Range} and {@code If-Range} (strong ETag or Last-Modified; a server that answers 200
 * restarts the file), on S3 with a ranged GET conditioned on the ETag. The SHA-256 always covers
 * the whole file; a mismatch after a resume discards the partial file and is retried from zero, a
 * mismatch of a fresh download is bad input. Heartbeats carry bytes done out of the total.
 *
 * <p><b>Errors.</b> Bad input (fails the pipeline at once): HTTP 4xx other than 408 and 429, a
 * missing S3 object or bucket, S3 access denied, a missing local file, a {@code file:} path that
 * {@link FileContainment} refuses (outside {@code allowedFileRoots}; always under {@code /proc},
 * {@code /sys}, {@code /dev} or the worker's own directories; through a symbolic link that leads
 * there, or swapped in while the file was opened), a refused host, a redirect loop or more than
 * {@value HttpFetcher#MAX_REDIRECTS} redirects, a redirect from https to http, a file larger than
 * {@code maxDownloadBytes}, a checksum mismatch. Transient (retried on this worker): HTTP 5xx, 408,
 * 429, S3 5xx and throttling, connection failures, DNS failures, a body shorter than its
 * Content-Length, a stall longer than {@code idleTimeout}.
 *
 * <p><b>Worker settings</b> (see {@code --stage-setting}):
 *
 * <ul>
 *   <li>{@code maxDownloadBytes} (default {@code 100g}): the largest file a download may produce,
 *       e.g. {@code 500m}, {@code 2t}, for every scheme ({@code file:}, http, https, s3); checked
 *       against the announced size (file size, Content-Length, object size) before the transfer and
 *       against the bytes while streaming (see {@link DownloadLimit}).
 *   <li>{@value HostPolicy#ALLOW_SETTING} (default unset: any host not denied) and {@value
 *       HostPolicy#DENY_SETTING} (default unset): host names, {@code *.domain} suffixes, IPs and
 *       CIDRs http(s) downloads may or may not reach, checked for the URL and every redirect target
 *       against every address the host resolves to. Link-local addresses ({@code 169.254.0.0/16},
 *       {@code fe80::/10}) and cloud metadata services ({@code 169.254.169.254}, {@code
 *       fd00:ec2::254}, {@code metadata.google.internal}) are always refused unless an IP/CIDR
 *       allow entry covers them. See {@link HostPolicy}.
 *   <li>{@code allowedFileRoots} (default unset: any path but the always refused ones): directories
 *       {@code file:} URLs may read from; the file is opened without following links and checked to
 *       be the file whose real path was checked (see {@link FileContainment}).
 *   <li>{@value S3Clients#ENDPOINT_SETTING}, {@value S3Clients#PATH_STYLE_SETTING}, {@value
 *       S3Clients#REGION_SETTING}: where {@code s3:} URLs go; see {@link S3Clients}. S3 credentials
 *       come only from the worker's environment (default credentials chain).
 * </ul>
 *
 * <p><b>URLs</b> are fetched exactly as written (never re-encoded, also after redirects) and
 * printed {@linkplain dev.locality.stage.RedactedUrl redacted} in every message, log line and
 * result: no userinfo, no query string.
 *
 * <p>Thread-safe: one instance (one S3 client per configuration; an HTTP client per download, whose
 * DNS resolver is the attempt's host policy, see {@link HttpFetcher}) serves all sessions.
 */
public final class DownloadStage implements Stage {
  public static final String TYPE = "download";
  private static final Logger LOG = LoggerFactory.getLogger("dev.locality.stage." + TYPE);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final S3Clients s3Clients = new S3Clients();
  private final DownloadCaches caches;
  private final SSLContext sslContext;
  private final HostPolicy.Resolver resolver;

  /** The stage as workers load it: https trusts the JVM's default trust store. */
  public DownloadStage() {
    this(null);
  }

  /**
   * A stage whose https connections use {@code sslContext} (tests with a self-signed origin).
   *
   * @param sslContext null for the JVM's default
   */
  DownloadStage(SSLContext sslContext) {
    this(sslContext, null);
  }

  /**
   * A stage whose https connections use {@code sslContext} and whose host names resolve through
   * {@code resolver} (tests of the host policy).
   *
   * @param sslContext null for the JVM's default
   * @param resolver null for the system's DNS
   */
  DownloadStage(SSLContext sslContext, HostPolicy.Resolver resolver) {
    this(sslContext, resolver, new DownloadCaches());
  }

  /** A stage whose download cache is in {@code cacheDir} (tests of the cache). */
  static DownloadStage cachingIn(Path cacheDir) {
    return new DownloadStage(null, null, new DownloadCaches(cacheDir));
  }

  private DownloadStage(
      SSLContext sslContext, HostPolicy.Resolver resolver, DownloadCaches caches) {
    this.sslContext = sslContext;
    this.resolver = resolver;
    this.caches = caches;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Fetches a file from an http(s), file or s3 URL, resuming retries and verifying its"
        + " SHA-256 when given";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return DownloadOptions.ALL;
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return DownloadOptions.SETTINGS;
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    return DownloadSources.problems(config);
  }

  /** Every input: the download ignores them all, rejects included, and passes none on. */
  @Override
  public boolean consumes(Artifact artifact) {
    return true;
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    StageConfig config = input.config();
    List<SourcePattern> patterns;
    try {
      patterns = DownloadSources.patterns(config);
    } catch (DownloadSources.OptionError e) {
      throw new BadInputException("option '" + e.option + "': " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    String expectedSha = Options.read(config, DownloadOptions.SHA256);
    Duration idleTimeout = Options.read(config, DownloadOptions.IDLE_TIMEOUT);
    int parallelism =
        (int)
            Math.min(
                Options.read(config, DownloadOptions.PARALLELISM),
                context.setting(DownloadOptions.MAX_PARALLELISM));
    int maxMatches =
        (int)
            Math.min(
                Options.read(config, DownloadOptions.MAX_MATCHES),
                context.setting(DownloadOptions.MAX_MATCHES_CEILING));
    List<MatchedSource> sources =
        DownloadSources.expand(patterns, context, () -> s3Clients.client(context), maxMatches);
    List<String> names = DownloadNames.plan(sources);
    String version = null;
    if (Options.read(config, DownloadOptions.IF_CHANGED)) {
      version =
          SourceVersions.of(
              sources,
              context,
              () -> s3Clients.client(context),
              () -> httpFetcher(context, idleTimeout));
      String last = Options.read(config, DownloadOptions.LAST_SOURCE_VERSION);
      if (version == null) {
        LOG.info("ifChanged: a source tells no ETag, Last-Modified or version; downloading");
      } else if (version.equals(last)) {
        LOG.info(
            "ifChanged: the {} source(s) are unchanged since the last successful run; skipping",
            sources.size());
        return StageResult.of(List.of(), StageMetrics.bytes(0, 0)).withSourceVersion(version);
      }
    }
    long[] sizes = sources.stream().mapToLong(MatchedSource::size).toArray();
    long maxBytes = context.setting(DownloadOptions.MAX_BYTES);
    DownloadLimit.Total.checkListed(
        maxBytes, java.util.Arrays.stream(sizes).filter(n -> n > 0).sum(), sources.size());
    DownloadLimit total = new DownloadLimit(maxBytes, sources.get(0).url().toString());
    List<ConcurrentFiles.Job<Fetched>> jobs = new ArrayList<>();
    java.util.Optional<DownloadCache> cache =
        Options.read(config, DownloadOptions.CACHE)
            ? caches.of(context)
            : java.util.Optional.empty();
    for (int i = 0; i < sources.size(); i++) {
      MatchedSource matched = sources.get(i);
      SourceUrl source = matched.url();
      Path target =
          SafePaths.resolveInside(context.outputDir(), names.get(i), "the download of " + source);
      DownloadLimit limit = total.forFile(source.toString());
      jobs.add(
          fileContext ->
              source.kind() == SourceUrl.Kind.FILE
                  ? copyLocal(source, target, expectedSha, limit, fileContext)
                  : cache.isPresent()
                      ? fetchCached(
                          cache.get(),
                          matched,
                          target,
                          expectedSha,
                          idleTimeout,
                          limit,
                          fileContext)
                      : fetchRemote(source, target, expectedSha, idleTimeout, limit, fileContext));
    }
    if (sources.size() > 1) {
      LOG.info(
          "downloading {} files, {} at a time",
          sources.size(),
          Math.min(parallelism, sources.size()));
    }
    List<Fetched> fetched =
        new ConcurrentFiles(context, parallelism, idleTimeout.plusSeconds(10)).run(jobs, sizes);
    List<Artifact> artifacts = new ArrayList<>();
    long transferred = 0;
    long bytes = 0;
    for (Fetched f : fetched) {
      artifacts.add(f.artifact());
      transferred += f.transferred();
      bytes += f.size();
    }
    return StageResult.of(artifacts, StageMetrics.bytes(transferred, bytes))
        .withSourceVersion(version);
  }

  private HttpFetcher httpFetcher(StageContext context, Duration idleTimeout) {
    HostPolicy hosts = HostPolicy.fromSettings(context);
    if (resolver != null) hosts = hosts.withResolver(resolver);
    return new HttpFetcher(sslContext, CONNECT_TIMEOUT, idleTimeout, hosts, LOG);
  }

  /** One file's outcome: its artifact, the bytes this attempt moved, the file's size. */
  private record Fetched(Artifact artifact, long transferred, long size) {}

  /**
   * {@link #fetchRemote} through the worker's {@link DownloadCache}: the source's validator is
   * probed first (not when a SHA-256 is given, which is the key itself); a source without one is
   * downloaded uncached. After a miss the validator is probed again and the file is cached only
   * when it did not change meanwhile.
   */
  private Fetched fetchCached(
      DownloadCache cache,
      MatchedSource matched,
      Path target,
      String expectedSha,
      Duration idleTimeout,
      DownloadLimit limit,
      StageContext context)
      throws Exception {
    SourceUrl source = matched.url();
    String validator = expectedSha == null ? probe(matched, idleTimeout, context) : null;
    String key = CacheKey.of(source, validator, expectedSha);
    if (key == null) {
      LOG.info("cache: {} tells no ETag or Last-Modified; downloading uncached", source);
      return fetchRemote(source, target, expectedSha, idleTimeout, limit, context);
    }
    Artifact[] fetched = new Artifact[1];
    DownloadCache.Outcome outcome =
        cache.fetch(
            key,
            CacheKey.urlHash(source.uri().toString()),
            matched.size(),
            target,
            () -> context.heartbeat(Progress.bytes(0, matched.size())),
            () -> {
              Fetched f = fetchRemote(source, target, expectedSha, idleTimeout, limit, context);
              fetched[0] = f.artifact();
              boolean unchanged =
                  validator == null
                      || validator.equals(
                          SourceVersions.validator(
                              source,
                              context,
                              () -> s3Clients.client(context),
                              () -> httpFetcher(context, idleTimeout),
                              true));
              if (!unchanged) LOG.info("cache: {} changed while downloading; not cached", source);
              return new DownloadCache.Fetched(f.size(), f.transferred(), unchanged);
            });
    if (outcome.hit()) {
      LOG.info("cache: {} ({} bytes) taken from the worker's cache", source, outcome.size());
    }
    Artifact artifact = fetched[0] != null ? fetched[0] : context.artifact(target, -1);
    return new Fetched(artifact, outcome.transferred(), outcome.size());
  }

  /**
   * Hashes of the URLs this worker's download cache holds, most recently used first, at most {@code
   * max} (see {@link DownloadCache#recentUrlHashes}); empty when caching is off.
   */
  public List<String> cachedUrlHashes(int max) {
    return caches.recentUrlHashes(max);
  }

  /** The counts of this worker's download cache (zeros while it is off), for the worker metrics. */
  public DownloadCache.Stats cacheStats() {
    return caches.stats();
  }

  /** Bytes this worker's download cache holds now. */
  public long cacheBytes() {
    return caches.bytes();
  }

  private String probe(MatchedSource matched, Duration idleTimeout, StageContext context)
      throws IOException, InterruptedException {
    if (matched.version() != null) return matched.version();
    return SourceVersions.validator(
        matched.url(),
        context,
        () -> s3Clients.client(context),
        () -> httpFetcher(context, idleTimeout),
        true);
  }

  private Fetched fetchRemote(
      SourceUrl source,
      Path target,
      String expectedSha,
      Duration idleTimeout,
      DownloadLimit limit,
      StageContext context)
      throws Exception {
    PartialDownload partial = PartialDownload.of(context, source.uri().toString());
    boolean retry = context.attempt() > 1 || context.previousProgress().isPresent();
    long resumeFrom = partial.resumable(retry);
    if (resumeFrom > 0) {
      LOG.info(
          "attempt {} continues {} after {} bytes (previous attempt reported {})",
          context.attempt(),
          source,
          resumeFrom,
          context.previousProgress().map(p -> p.done() + " of " + p.total()).orElse("nothing"));
    }
    String actualSha;
    long size;
    long transferred;
    try (DownloadSink sink = DownloadSink.open(partial, resumeFrom, limit, context)) {
      if (source.kind() == SourceUrl.Kind.S3) {
        new S3Fetcher(s3Clients.client(context), idleTimeout, LOG)
            .fetch(source.s3Location(), partial, sink);
      } else {
        HostPolicy hosts = HostPolicy.fromSettings(context);
        if (resolver != null) hosts = hosts.withResolver(resolver);
        new HttpFetcher(sslContext, CONNECT_TIMEOUT, idleTimeout, hosts, LOG)
            .fetch(source.uri(), partial, sink);
      }
      sink.finish();
      actualSha = sink.sha256();
      size = sink.size();
      transferred = sink.transferred();
    } catch (BadInputException e) {
      partial.discardQuietly(e);
      throw e;
    }
    boolean resumed = transferred < size;
    if (expectedSha != null && !expectedSha.toLowerCase(Locale.ROOT).equals(actualSha)) {
      partial.discard();
      if (resumed) {
        throw new IOException(
            "SHA-256 mismatch for "
                + source
                + " after resuming at byte "
                + (size - transferred)
                + " (the source may have changed); retrying from the first byte");
      }
      throw mismatch(source, expectedSha, actualSha, size);
    }
    Files.createDirectories(target.getParent());
    partial.completeTo(target);
    return new Fetched(context.artifact(target, -1), transferred, size);
  }

  private static BadInputException mismatch(
      SourceUrl source, String expectedSha, String actualSha, long bytes) {
    return new BadInputException(
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

  private Fetched copyLocal(
      SourceUrl source, Path target, String expectedSha, DownloadLimit limit, StageContext context)
      throws IOException {
    Path path = source.localPath();
    String what = "file " + path + " (from url " + source + ")";
    FileContainment files = FileContainment.forReads(context);
    if (Files.isDirectory(files.check(path, what))) {
      throw new BadInputException(what + " is a directory");
    }
    MessageDigest digest = Sha256.newDigest();
    long bytes;
    try (OpenedFile file = files.openRead(path, what);
        InputStream in = limit.guard(file.inputStream())) {
      // a device or pipe has no size: the guard counts what it yields
      long size = file.sizeIfKnown();
      limit.checkAnnounced(size);
      bytes = copy(in, target, digest, size, context);
    } catch (NoSuchFileException e) {
      throw new BadInputException("file not found: " + path + " (from url " + source + ")", e);
    }
    String actualSha = Sha256.hex(digest);
    if (expectedSha != null && !expectedSha.toLowerCase(Locale.ROOT).equals(actualSha)) {
      throw mismatch(source, expectedSha, actualSha, bytes);
    }
    return new Fetched(context.artifact(target, -1), bytes, bytes);
  }

  private static long copy(
      InputStream in, Path target, MessageDigest digest, long size, StageContext context)
      throws IOException {
    try (OutputStream out = context.createOutput(target)) {
      context.heartbeat(Progress.bytes(0, size));
      long bytes = StreamCopy.copy(in, out, digest, done -> context.progress(done, size));
      context.heartbeat(Progress.bytes(bytes, size));
      return bytes;
    }
  }

  /**
   * Fetches one file for another stage exactly as {@code download} does (every scheme, the host
   * policy, allowed file roots, S3 settings, {@code maxDownloadBytes}, SHA-256 check, resuming a
   * partial network download on a retry), but into a directory of the caller's choice inside the
   * session and under a smaller size limit of the caller's. Thread-safe: one instance serves all
   * sessions (it holds the download stage's S3 clients).
   */
  public static final class FetchInto {
    private final DownloadStage download = new DownloadStage();

    /**
     * Checks a URL as {@code download} checks its {@code url} option.
     *
     * @throws IllegalArgumentException with a message fit for an option problem
     */
    public static void checkUrl(String url) {
      SourceUrl.parse(url);
    }

    /** The last segment of the URL's path ({@code download} stores the file under it). */
    public static String fileName(String url) {
      return SourceUrl.parse(url).fileName();
    }

    /**
     * Fetches {@code url} into {@code dir} (inside the session; must not hold a file of the same
     * name), keeping a partial network download in {@code partialDir} for the next attempt.
     * Heartbeats with bytes done as {@code download} does.
     *
     * @param sha256 the expected SHA-256, or null
     * @param maxBytes the caller's limit, applied when smaller than {@code maxDownloadBytes}
     * @param limitSetting the worker setting {@code maxBytes} comes from, named in the message when
     *     the file exceeds it
     * @return the fetched file, its size and SHA-256
     * @throws BadInputException as {@code download} fails on bad input
     */
    public Artifact fetch(
        StageContext context,
        String url,
        String sha256,
        Path dir,
        Path partialDir,
        long maxBytes,
        SettingSpec<Long> limitSetting)
        throws Exception {
      Files.createDirectories(dir);
      long downloadLimit = context.setting(DownloadOptions.MAX_BYTES);
      boolean callersLimit = maxBytes < downloadLimit;
      Map<String, Object> options = new LinkedHashMap<>();
      options.put(DownloadOptions.URL.name(), url);
      if (sha256 != null) options.put(DownloadOptions.SHA256.name(), sha256);
      StageContext scoped =
          new ScopedContext(context, dir, partialDir, callersLimit ? maxBytes : downloadLimit);
      try {
        return download
            .run(new StageInput(List.of(), new StageConfig(options)), scoped)
            .outputs()
            .get(0);
      } catch (BadInputException e) {
        if (!callersLimit) throw e;
        String message =
            e.getMessage()
                .replace(
                    "worker setting " + DownloadOptions.MAX_BYTES.name(),
                    "worker setting " + limitSetting.name() + "=" + ByteSizes.format(maxBytes));
        throw new BadInputException(message, e);
      }
    }
  }
}
