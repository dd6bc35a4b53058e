package dev.locality.cli.watch;

import java.util.List;

/**
 * Redraws a block of lines in place on an ANSI terminal: each frame moves the cursor back to the
 * first line of the previous frame, rewrites every line (erasing what was there) and erases what is
 * left below, so a frame with fewer lines leaves no debris. Lines must already fit the terminal
 * width (a wrapped line would throw the cursor arithmetic off). Not thread-safe.
 */
public final class AnsiScreen {
  private int previousLines;

  /** The characters to write for the next frame. */
  public String frame(List<String> lines) {
    StringBuilder out = new StringBuilder();
    if (previousLines > 0) out.append(Ansi.up(previousLines));
    for (String line : lines) out.append(Ansi.CLEAR_LINE).append(line).append('\n');
    out.append(Ansi.CLEAR_BELOW);
    previousLines = lines.size();
    return out.toString();
  }
}
