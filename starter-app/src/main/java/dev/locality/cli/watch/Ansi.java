package dev.locality.cli.watch;

/**
 * The few ANSI escape sequences the live view uses, and width arithmetic that ignores them.
 * Stateless, thread-safe.
 */
public final class Ansi {
  public static final String ESC = "\u001b[";
  public static final String RESET = ESC + "0m";
  public static final String GREEN = ESC + "32m";
  public static final String RED = ESC + "31m";
  public static final String YELLOW = ESC + "33m";
  public static final String CYAN = ESC + "36m";
  public static final String DIM = ESC + "2m";
  public static final String BOLD = ESC + "1m";

  /** Erases the whole line the cursor is on. */
  public static final String CLEAR_LINE = ESC + "2K";

  /** Erases from the cursor to the end of the screen. */
  public static final String CLEAR_BELOW = ESC + "J";

  private Ansi() {}

  /** Moves the cursor to the start of the line {@code lines} above. */
  public static String up(int lines) {
    return "\r" + ESC + lines + "A";
  }

  /** Length as the terminal shows it: escape sequences take no columns. */
  public static int visibleLength(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith(ESC, i)) {
        i = endOfSequence(s, i);
      } else {
        length++;
      }
    }
    return length;
  }

  /**
   * Cuts {@code s} to at most {@code width} visible columns, keeping escape sequences (and ending
   * with a reset when it cut inside a colour).
   */
  public static String truncate(String s, int width) {
    if (visibleLength(s) <= width) return s;
    StringBuilder out = new StringBuilder();
    int visible = 0;
    boolean styled = false;
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith(ESC, i)) {
        int end = endOfSequence(s, i);
        String sequence = s.substring(i, end + 1);
        out.append(sequence);
        styled = !sequence.equals(RESET);
        i = end;
      } else if (visible < width) {
        out.append(s.charAt(i));
        visible++;
      }
    }
    if (styled) out.append(RESET);
    return out.toString();
  }

  /** {@code text} padded with spaces to {@code width} visible columns. */
  public static String pad(String text, int width) {
    int missing = width - visibleLength(text);
    return missing <= 0 ? text : text + " ".repeat(missing);
  }

  private static int endOfSequence(String s, int start) {
    int i = start + ESC.length();
    while (i < s.length() && !Character.isLetter(s.charAt(i))) i++;
    return Math.min(i, s.length() - 1);
  }
}
