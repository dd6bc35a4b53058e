package dev.locality.activities.stages.internal;

import dev.locality.stage.BadInputException;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which local paths a stage may read or write when a pipeline spec names them ({@code file:} URLs
 * of {@code download}, {@code file:} targets of {@code upload}): the containment of a worker that
 * runs other people's specs.
 *
 * <p><b>Always refused</b>, whatever the roots and also when none are set: {@code /proc}, {@code
 * /sys}, {@code /dev} (the worker's environment with its credentials, kernel and device files), the
 * worker's own directories ({@link StageContext#workerOwnedPaths()}: its work root with every
 * session's files, its plugins directory with the code it loads) and everything under them.
 * <b>Roots</b>: when the setting ({@link AllowedFileRoots#SETTING} for reads, {@link
 * AllowedFileRoots#UPLOAD_SETTING} for writes) lists directories, only paths under one of them.
 *
 * <p><b>Checked twice.</b> {@link #check} judges the path as written and its real path (every
 * symbolic link resolved; for a path that does not exist yet, the real path of its deepest existing
 * ancestor plus the rest): a link inside a root that leads out of it is refused. Then {@link
 * #openRead} and {@link #openDirectory} open that real path without following any link and verify
 * that what they opened is what was checked ({@link NoFollowFiles}), so a link swapped in between
 * the check and the open is refused too.
 *
 * <p>Every refusal is a {@link BadInputException} naming the path and the reason, thrown before
 * anything is read or written. Out of scope: hard links (a hard link inside a root to a file
 * elsewhere is that file; Linux's {@code fs.protected_hardlinks} stops users linking files they do
 * not own) and bind mounts. Immutable; thread-safe.
 */
public final class FileContainment {
  /** Directories no spec may read or write through, on any worker. */
  public static final List<Path> ALWAYS_REFUSED =
      List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

  private final AllowedFileRoots roots;
  private final String settingName;
  private final List<Path> workerOwned;

  /**
   * @param roots the allowed roots ({@link AllowedFileRoots#allowsAll} for none)
   * @param settingName names the roots' setting in messages
   * @param workerOwned the worker's own directories, always refused
   */
  public FileContainment(AllowedFileRoots roots, String settingName, List<Path> workerOwned) {
    this.roots = roots;
    this.settingName = settingName;
    this.workerOwned = List.copyOf(workerOwned);
  }

  /** What a stage attempt may read through {@code file:} URLs. */
  public static FileContainment forReads(StageContext context) {
    return of(context, AllowedFileRoots.SETTING);
  }

  /** What a stage attempt may write through {@code file:} upload targets. */
  public static FileContainment forUploads(StageContext context) {
    return of(context, AllowedFileRoots.UPLOAD_SETTING);
  }

  private static FileContainment of(StageContext context, SettingSpec<List<String>> setting) {
    return new FileContainment(
        AllowedFileRoots.of(context, setting), setting.name(), context.workerOwnedPaths());
  }

  /**
   * Checks {@code path} and returns its real path (absolute, every link resolved).
   *
   * @param what how messages name the path, e.g. {@code "file /x (from url file:///x)"}
   * @throws BadInputException when the path is refused, naming it and the reason
   */
  public Path check(Path path, String what) {
    Path normal = path.toAbsolutePath().normalize();
    String reason = refusal(normal);
    if (reason != null) throw new BadInputException(what + " is " + reason);
    Path real = realPath(normal);
    reason = refusal(real);
    if (reason == null && !roots.allows(real)) reason = "outside " + settingName + " " + roots;
    if (reason == null) return real;
    if (real.equals(normal)) throw new BadInputException(what + " is " + reason);
    throw new BadInputException(
        what + " resolves through a symbolic link to " + real + ", " + reason);
  }

  /**
   * Checks {@code path} ({@link #check}) and opens it for reading without following a link,
   * verifying that the opened file is the one checked.
   *
   * @throws BadInputException when the path is refused or changed between the check and the open
   * @throws NoSuchFileException when it does not exist
   */
  public OpenedFile openRead(Path path, String what) throws IOException {
    return openChecked(check(path, what), what);
  }

  /** Opens the real path {@code real} that {@link #check} returned: the open-time half. */
  OpenedFile openChecked(Path real, String what) throws IOException {
    try {
      return NoFollowFiles.openRead(real);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (NoFollowFiles.ChangedWhileOpenedException | NotDirectoryException e) {
      throw changed(what, real, e);
    } catch (FileSystemException e) {
      if (e.getClass() != FileSystemException.class) throw e; // access denied, ...
      throw changed(what, real, e); // ELOOP: a link where a directory was
    }
  }

  /**
   * Checks the directory {@code dir} ({@link #check}), creates it when missing, checks its real
   * path again and opens it without following a link: where files are then created, renamed and
   * linked ({@link ContainedDirectory}). The caller closes it.
   *
   * @throws BadInputException when the directory is refused or changed while it was opened
   */
  public ContainedDirectory openDirectory(Path dir, String what) throws IOException {
    Path real = check(dir, what);
    Files.createDirectories(real);
    Path created = check(real, what);
    if (!created.equals(real)) {
      throw changed(what, real, new IOException("it now resolves to " + created));
    }
    try {
      return ContainedDirectory.open(real);
    } catch (NoFollowFiles.ChangedWhileOpenedException | NotDirectoryException e) {
      throw changed(what, real, e);
    } catch (FileSystemException e) {
      if (e.getClass() != FileSystemException.class) throw e;
      throw changed(what, real, e);
    }
  }

  private static BadInputException changed(String what, Path real, IOException e) {
    return new BadInputException(
        what
            + " changed after it was checked: "
            + real
            + " is no longer what was checked ("
            + e.getMessage()
            + "); refusing it",
        e);
  }

  /** Why {@code path} (absolute, normal) is always refused, or null. */
  private String refusal(Path path) {
    for (Path system : ALWAYS_REFUSED) {
      if (path.startsWith(system)) return "under " + system + ", which is always refused";
    }
    for (Path owned : workerOwned) {
      for (Path form : List.of(owned, realPath(owned))) {
        if (path.startsWith(form)) {
          return "inside "
              + owned
              + ", a directory of the worker itself (its work root or plugins directory), which"
              + " is always refused";
        }
      }
    }
    return null;
  }

  /**
   * The real path of {@code normal}: of the path itself when it exists, else of its deepest
   * existing ancestor with the missing names appended; {@code normal} itself when it cannot be
   * resolved (no permission to look, a link loop): the open then fails or refuses it.
   */
  private static Path realPath(Path normal) {
    List<Path> missing = new ArrayList<>();
    Path existing = normal;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        for (int i = missing.size() - 1; i >= 0; i--) real = real.resolve(missing.get(i));
        return real;
      } catch (NoSuchFileException e) {
        if (existing.getFileName() == null) break;
        missing.add(existing.getFileName());
        existing = existing.getParent();
      } catch (IOException e) {
        return normal;
      }
    }
    return normal;
  }
}
