package dev.locality.cli;

import dev.locality.cli.connect.TemporalConnector;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --plugins-dir DIR} of {@code validate}, {@code run}, {@code batch} and {@code stages}: the
 * stage plugin jars the command loads beside the built-in stages, as a worker with the same {@code
 * --plugins-dir} does, so a spec that uses a plugin's stage is validated with the plugin's own
 * option declarations (and {@code run}'s embedded worker runs it). Unset, the CLI's {@value
 * TemporalConnector#PLUGINS_DIR_ENV} (the variable the worker reads too).
 */
final class PluginsDirOption {
  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description =
          "also load the stage plugins (*.jar) in DIR, as a worker with this --plugins-dir does"
              + " (default: env "
              + TemporalConnector.PLUGINS_DIR_ENV
              + ")")
  Path dir;

  /** The flag's directory, else the one {@code env} names, else null (built-in stages only). */
  Path resolve(Map<String, String> env) {
    return dir != null ? dir : TemporalConnector.pluginsDir(env);
  }
}
