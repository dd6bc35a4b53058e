package dev.locality.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) a process has used so far, from {@code /proc/PID/stat}. On
 * a shared machine this, not wall time, is the robust cost of work done: it does not grow while a
 * process waits for a core another build holds. Stateless, thread-safe.
 */
final class CpuTime {
  /** Clock ticks per second of {@code /proc/PID/stat}'s utime and stime (USER_HZ, 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /** Milliseconds of CPU process {@code pid} has used, -1 when unknown (gone, not Linux). */
  static long millis(long pid) {
    try {
      return ticksMillis(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of a {@code stat} line of a process or thread, in ms. */
  private static long ticksMillis(String stat) {
    // the command name (field 2) is in parentheses and may hold spaces: count after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /**
   * Milliseconds of CPU the JIT compiler threads of JVM {@code pid} have used so far (the threads
   * named {@code C1 CompilerThreadN} / {@code C2 CompilerThreadN}; compiler threads the JVM has
   * already retired are not counted), -1 when unknown.
   */
  static long jitMillis(long pid) {
    Path tasks = Path.of("/proc/" + pid + "/task");
    long total = 0;
    try (var dirs = Files.list(tasks)) {
      for (Path task : dirs.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm")).trim();
          if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            total += ticksMillis(Files.readString(task.resolve("stat")));
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This JVM's (the bench client's). */
  static long self() {
    return millis(ProcessHandle.current().pid());
  }
}
