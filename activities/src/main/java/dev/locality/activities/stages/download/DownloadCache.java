package dev.locality.activities.stages.download;

import dev.locality.stage.LoadedResource;
import dev.locality.stage.ResourceLease;
import dev.locality.stage.StageResources;
import dev.locality.stage.runtime.FileTrees;
import dev.locality.stage.runtime.ResourceCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's bounded cache of downloaded files ({@code download} with {@code cache: true}): one
 * directory of read-only files, indexed in memory by a key naming the source and its version
 * ({@link CacheKey}), least recently used first out once the files' sizes add up to more than the
 * budget ({@code --cache-size}).
 *
 * <p><b>Contract.</b> {@link #fetch} hands the caller the file under a key: when the cache holds
 * it, it is hard-linked (copied when linking fails) to the caller's target and nothing is
 * downloaded; else the caller's {@link Fetch} downloads it into the target (the normal, resumable
 * download), and the finished file is linked into the cache under a temporary name and renamed to
 * its entry name, so a partially written entry is never visible. Two callers asking for the same
 * key at once download it once: the second waits (calling its keep-alive, the attempt's heartbeat)
 * and then links the first one's file. An entry a caller is linking or copying is never evicted (it
 * is held by a lease until the copy ends). Caching is best effort: when the entry cannot be made (a
 * full disk, a source that changed between the probe and the download) the caller still gets its
 * download, and nothing is cached.
 *
 * <p><b>Lifetime.</b> The index lives in memory: a new cache deletes everything in its directory (a
 * previous process's entries and temporary files), and the directory is inside the worker process's
 * own incarnation directory, which the work root's janitor deletes when the process is gone.
 * Evicted entries are deleted at once.
 *
 * <p>Thread-safe.
 */
public final class DownloadCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadCache.class);
  private static final String NAMESPACE = "download";
  private static final String TEMP_PREFIX = ".tmp-";

  /** Downloads a file into the caller's target; the caller's normal download. */
  @FunctionalInterface
  public interface Fetch {
    /**
     * @return what was fetched; {@link Fetched#cacheable()} false keeps it out of the cache
     */
    Fetched fetch() throws Exception;
  }

  /**
   * One fetched file.
   *
   * @param size the file's size
   * @param transferred bytes this attempt moved from the source
   * @param cacheable whether the file may be cached under the key asked for (false when the source
   *     answered with another version than the probed one)
   */
  public record Fetched(long size, long transferred, boolean cacheable) {}

  /** What {@link #fetch} did: whether the file came from the cache, its size, the bytes moved. */
  public record Outcome(boolean hit, long size, long transferred) {}

  /** Counts since the cache was made. */
  public record Stats(long hits, long misses, long bytesServed, long evictions, long notCached) {}

  private final Path dir;
  private final long maxBytes;
  private final ResourceCache index;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicLong notCached = new AtomicLong();

  /** URL hash to the number of entries held from it; access order, least recent first. */
  private final LinkedHashMap<String, Integer> heldUrls = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * A cache in {@code dir} (created; everything already in it is deleted) keeping at most {@code
   * maxBytes} of files that no caller is using.
   *
   * @param waitHeartbeatMillis how often a caller waiting for another's download keeps alive
   */
  public DownloadCache(Path dir, long maxBytes, long waitHeartbeatMillis) throws IOException {
    if (maxBytes < 1) throw new IllegalArgumentException("cache size must be positive");
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    if (Files.exists(this.dir)) FileTrees.deleteRecursively(this.dir);
    Files.createDirectories(this.dir);
    this.index = new ResourceCache(Integer.MAX_VALUE, maxBytes, null, waitHeartbeatMillis);
  }

  /** The cache's directory. */
  public Path dir() {
    return dir;
  }

  /** The most bytes of unused entries kept. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes of the entries held now. */
  public long bytes() {
    return index.weightBytes();
  }

  /** Entries held now. */
  public int entries() {
    return index.size();
  }

  public Stats stats() {
    return new Stats(
        hits.get(), misses.get(), bytesServed.get(), index.stats().evictions(), notCached.get());
  }

  /**
   * Puts the file under {@code key} at {@code target} (which must not exist), from the cache or by
   * {@code fetch}.
   *
   * @param expectedSize the size the source announced, or -1; a file larger than the whole cache is
   *     fetched without it
   * @param keepAlive called while waiting for another caller's download of the same key and while
   *     copying; may throw to stop the wait (a cancelled attempt)
   */
  public Outcome fetch(String key, long expectedSize, Path target, Runnable keepAlive, Fetch fetch)
      throws Exception {
    return fetch(key, null, expectedSize, target, keepAlive, fetch);
  }

  /**
   * As above, remembering {@code urlHash} (see {@link #recentUrlHashes}) for as long as the entry
   * is held.
   *
   * @param urlHash the hash of the URL the entry came from, or null
   */
  public Outcome fetch(
      String key, String urlHash, long expectedSize, Path target, Runnable keepAlive, Fetch fetch)
      throws Exception {
    if (expectedSize > maxBytes) {
      Fetched f = fetch.fetch();
      notCached.incrementAndGet();
      return new Outcome(false, f.size(), f.transferred());
    }
    StageResources view = index.view(NAMESPACE, keepAlive);
    Fetched[] own = new Fetched[1];
    try (ResourceLease<Entry> lease =
        view.acquire(
            key,
            () -> {
              Fetched f = fetch.fetch();
              own[0] = f;
              if (!f.cacheable()) throw new NotCached(f, null);
              Path entry;
              try {
                entry = admit(target);
              } catch (IOException | UnsupportedOperationException e) {
                throw new NotCached(f, e);
              }
              held(urlHash, +1);
              return LoadedResource.of(
                  new Entry(entry, f.size(), urlHash),
                  f.size(),
                  () -> {
                    held(urlHash, -1);
                    delete(entry);
                  });
            })) {
      if (own[0] != null) {
        LOG.info(
            "cached a download of {} bytes ({} entries, {} bytes held)",
            own[0].size(),
            index.size(),
            index.weightBytes());
        misses.incrementAndGet();
        return new Outcome(false, own[0].size(), own[0].transferred());
      }
      Entry entry = lease.get();
      if (!entry.intact()) {
        LOG.warn("cache entry {} is missing or changed; downloading instead", entry.file);
        Fetched f = fetch.fetch();
        misses.incrementAndGet();
        return new Outcome(false, f.size(), f.transferred());
      }
      linkOrCopy(entry.file, target, keepAlive);
      held(entry.urlHash, 0);
      hits.incrementAndGet();
      bytesServed.addAndGet(entry.size);
      return new Outcome(true, entry.size, 0);
    } catch (NotCached e) {
      notCached.incrementAndGet();
      if (e.getCause() != null) {
        LOG.warn("could not cache a download (it goes on uncached): {}", e.getCause().toString());
      }
      return new Outcome(false, e.fetched.size(), e.fetched.transferred());
    }
  }

  /**
   * Hashes of the URLs whose files the cache holds, most recently used first, at most {@code max}:
   * what the worker reports to the registry so that pipelines over these URLs are offered to it
   * first.
   */
  public List<String> recentUrlHashes(int max) {
    synchronized (heldUrls) {
      List<String> all = new ArrayList<>(heldUrls.keySet());
      Collections.reverse(all);
      return List.copyOf(all.subList(0, Math.min(max, all.size())));
    }
  }

  /** Counts an entry of {@code urlHash} in ({@code +1}), out ({@code -1}) or as just used (0). */
  private void held(String urlHash, int change) {
    if (urlHash == null) return;
    synchronized (heldUrls) {
      int count = heldUrls.getOrDefault(urlHash, 0) + change;
      if (count <= 0) heldUrls.remove(urlHash);
      else heldUrls.put(urlHash, count); // access order: now the most recent
    }
  }

  /** Links the finished file into the cache: temporary name first, then an atomic rename. */
  private Path admit(Path file) throws IOException {
    String name = UUID.randomUUID().toString();
    Path temp = dir.resolve(TEMP_PREFIX + name);
    Path entry = dir.resolve(name);
    try {
      linkOrCopy(file, temp, () -> {});
      temp.toFile().setReadOnly();
      Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
      return entry;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void linkOrCopy(Path from, Path to, Runnable keepAlive) throws IOException {
    try {
      Files.createLink(to, from);
      return;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof java.nio.file.FileAlreadyExistsException) throw (IOException) e;
      // another file system, or links not allowed: copy
    }
    byte[] buffer = new byte[1 << 16];
    long sinceKeepAlive = 0;
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW)) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        sinceKeepAlive += n;
        if (sinceKeepAlive >= 8 << 20) {
          keepAlive.run();
          sinceKeepAlive = 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(to);
      throw e;
    }
  }

  private static void delete(Path entry) {
    try {
      Files.deleteIfExists(entry);
    } catch (IOException e) {
      LOG.warn("cannot delete evicted cache entry {}: {}", entry, e.toString());
    }
  }

  /** Deletes every entry not in use and refuses new ones. */
  @Override
  public void close() {
    index.close();
  }

  /** One cached file and the size it had when cached. */
  private record Entry(Path file, long size, String urlHash) {
    boolean intact() {
      try {
        return Files.size(file) == size;
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** The loader's way out when the fetched file is not to be cached: carries the download. */
  private static final class NotCached extends Exception {
    final transient Fetched fetched;

    NotCached(Fetched fetched, Throwable cause) {
      super("not cached", cause);
      this.fetched = fetched;
    }
  }
}
