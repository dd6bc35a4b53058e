package dev.locality.stage.runtime;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directories of a stage's attempts on this worker, inside the stage's directory {@code
 * <session>/<index>-<type>}: attempt {@code n} writes its outputs to {@code attempt-<n>} and its
 * resume files to {@code resume-<n>}. Nothing of one attempt is ever touched by another attempt
 * that may still run, so an attempt that timed out but is still running can neither delete nor
 * overwrite a later attempt's files.
 *
 * <ul>
 *   <li><b>Start</b> ({@link #start}): creates an empty {@code attempt-<n>}; hands the resume files
 *       of the newest earlier attempt that has <em>ended</em> over to this one by renaming its
 *       {@code resume-<k>} to {@code resume-<n>} (atomic). An earlier attempt still running keeps
 *       its resume files: the new attempt then starts from nothing rather than share them.
 *   <li><b>Failure</b> ({@link Attempt#failed}): deletes {@code attempt-<n>}, and {@code
 *       resume-<n>} too unless the failure may be resumed (transient).
 *   <li><b>Success</b> ({@link Attempt#succeeded}): deletes {@code resume-<n>} and the directories
 *       of earlier attempts that have ended (nothing downstream reads them: artifacts name this
 *       attempt's files). Directories of earlier attempts still running are left to their own
 *       cleanup; whatever such a zombie leaves is deleted with the session.
 * </ul>
 *
 * <p>"Running" means running in this JVM: a session directory belongs to one worker process. The
 * session directory is never recreated once deleted (the lease closed it). Thread-safe; {@link
 * #start} and {@link Attempt#succeeded} are serialised per instance.
 *
 * <p>The worker's dispatcher and the stage test kit both lay attempts out with this class, so a
 * stage sees the same directories in its tests as on a worker.
 */
public final class AttemptDirs {
  private static final System.Logger log = System.getLogger(AttemptDirs.class.getName());
  private static final String ATTEMPT = "attempt-";
  private static final String RESUME = "resume-";
  private static final Pattern NUMBERED = Pattern.compile("(attempt|resume)-(\\d+)");

  private final Set<Path> running = ConcurrentHashMap.newKeySet();

  /**
   * Prepares attempt {@code attempt} of the stage whose directory is {@code stageDir} and marks it
   * running until {@link Attempt#close()}.
   *
   * @throws NoSuchFileException when the session directory (the parent of {@code stageDir}) is gone
   */
  public synchronized Attempt start(Path stageDir, int attempt) throws IOException {
    Path stage = stageDir.toAbsolutePath().normalize();
    try {
      Files.createDirectory(stage); // never recreates a session directory already deleted
    } catch (FileAlreadyExistsException exists) {
      // an earlier attempt created it
    }
    Path output = stage.resolve(ATTEMPT + attempt);
    Path resume = stage.resolve(RESUME + attempt);
    if (!running.add(output)) {
      throw new IllegalStateException(
          "attempt " + attempt + " of " + stage + " is running already");
    }
    try {
      FileTrees.deleteRecursively(output); // a leftover of the same attempt number (tests)
      Files.createDirectory(output);
      handOverResumeFiles(stage, attempt, resume);
      return new Attempt(stage, attempt, output, resume);
    } catch (IOException | RuntimeException e) {
      running.remove(output);
      throw e;
    }
  }

  /** Whether attempt {@code attempt} of the stage in {@code stageDir} is running (for tests). */
  public boolean isRunning(Path stageDir, int attempt) {
    return running.contains(stageDir.toAbsolutePath().normalize().resolve(ATTEMPT + attempt));
  }

  private void handOverResumeFiles(Path stage, int attempt, Path resume) throws IOException {
    if (Files.exists(resume)) return; // a leftover of the same attempt number: keep it
    int newest = -1;
    for (int k : numbered(stage, RESUME)) {
      if (k < attempt && k > newest && !isRunning(stage, k)) newest = k;
    }
    if (newest > 0) {
      Files.move(stage.resolve(RESUME + newest), resume); // a directory rename: atomic
      log.log(
          Level.INFO,
          "attempt {0} resumes from what attempt {1} left in {2}",
          attempt,
          newest,
          stage);
    }
  }

  /** The numbers {@code n} of the entries {@code <prefix><n>} of {@code stage}. */
  private static List<Integer> numbered(Path stage, String prefix) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    try (Stream<Path> entries = Files.list(stage)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = NUMBERED.matcher(p.getFileName().toString());
        if (m.matches() && prefix.equals(m.group(1) + "-")) {
          numbers.add(Integer.parseInt(m.group(2)));
        }
      }
    } catch (NoSuchFileException gone) {
      // the session was closed
    }
    return numbers;
  }

  /** One attempt's directories. Close it when the attempt has ended, whatever the outcome. */
  public final class Attempt implements AutoCloseable {
    private final Path stage;
    private final int number;
    private final Path output;
    private final Path resume;

    private Attempt(Path stage, int number, Path output, Path resume) {
      this.stage = stage;
      this.number = number;
      this.output = output;
      this.resume = resume;
    }

    /** {@code <stage>/attempt-<n>}: empty at the start. */
    public Path outputDir() {
      return output;
    }

    /** {@code <stage>/resume-<n>}: what the newest ended earlier attempt left, if anything. */
    public Path resumeDir() {
      return resume;
    }

    /**
     * Removes this attempt's outputs, and its resume files unless {@code keepResumeFiles}. Problems
     * are logged: cleanup never hides the failure.
     */
    public void failed(boolean keepResumeFiles) {
      deleteQuietly(output);
      if (!keepResumeFiles) deleteQuietly(resume);
    }

    /** Removes this attempt's resume files and every ended earlier attempt's directories. */
    public void succeeded() {
      deleteQuietly(resume);
      synchronized (AttemptDirs.this) {
        try {
          for (String prefix : List.of(ATTEMPT, RESUME)) {
            for (int k : numbered(stage, prefix)) {
              if (k < number && !isRunning(stage, k)) deleteQuietly(stage.resolve(prefix + k));
            }
          }
        } catch (IOException e) {
          log.log(Level.WARNING, "could not list {0}: {1}", stage, e.toString());
        }
      }
    }

    /** Marks the attempt ended: a later attempt may now take its resume files. Idempotent. */
    @Override
    public void close() {
      running.remove(output);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException | RuntimeException e) {
      log.log(Level.WARNING, "could not delete {0}: {1}", dir, e.toString());
    }
  }
}
