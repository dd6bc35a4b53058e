package dev.locality.cli.watch;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI's standard output is connected to: an interactive terminal (redraw in place, maybe
 * colour) or not (plain appended lines).
 *
 * <p>Interactive means: no {@code --plain}, {@link System#console()} is not null (stdin and stdout
 * are a terminal; on JDK 22+ also {@code Console.isTerminal()}), and {@code TERM} is not {@code
 * dumb}. Width comes from {@code COLUMNS}, else {@code stty size} on {@code /dev/tty}, else 100.
 * Colour unless {@code NO_COLOR} is set.
 *
 * @param interactive whether to redraw in place
 * @param width columns
 * @param color whether to colour
 */
public record Terminal(boolean interactive, int width, boolean color) {
  static final int DEFAULT_WIDTH = 100;

  /** A non-interactive output (files, pipes, tests). */
  public static Terminal plain() {
    return new Terminal(false, DEFAULT_WIDTH, false);
  }

  public static Terminal detect(Map<String, String> env, boolean forcePlain) {
    boolean interactive =
        !forcePlain && isConsole() && !"dumb".equals(env.getOrDefault("TERM", ""));
    if (!interactive) return plain();
    return new Terminal(true, width(env), !env.containsKey("NO_COLOR"));
  }

  private static boolean isConsole() {
    Console console = System.console();
    if (console == null) return false;
    try {
      Method isTerminal = Console.class.getMethod("isTerminal"); // JDK 22+
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private static int width(Map<String, String> env) {
    String columns = env.get("COLUMNS");
    if (columns != null && columns.trim().matches("\\d+")) return Integer.parseInt(columns.trim());
    try {
      Process stty =
          new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
      if (stty.waitFor(1, TimeUnit.SECONDS) && stty.exitValue() == 0) {
        String[] size =
            new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .trim()
                .split("\\s+");
        if (size.length == 2 && size[1].matches("\\d+")) return Integer.parseInt(size[1]);
      } else {
        stty.destroyForcibly();
      }
    } catch (Exception e) {
      // no stty (Windows) or no /dev/tty: use the default
    }
    return DEFAULT_WIDTH;
  }
}
