package dev.locality.cli.spec;

import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.Problem;
import dev.locality.api.spec.SpecParser;
import dev.locality.stage.StageRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a spec file, applies {@link SpecOverrides} to its tree and validates the result with the
 * api's {@link SpecParser}: the same checks and messages as without overrides. Relative {@code
 * file:} URLs written in the file resolve against the file's directory (as {@link
 * SpecParser#parse(Path)} does); those given with {@code --set} were already resolved against the
 * working directory. Thread-safe.
 */
public final class SpecLoader {
  private final SpecParser parser;

  public SpecLoader(StageRegistry registry) {
    this.parser = new SpecParser(registry);
  }

  /**
   * @throws InvalidSpecException every problem: overrides that do not apply first, else the
   *     validation problems of the overridden spec
   * @throws IOException when the file cannot be read
   */
  public PipelineSpec load(Path file, SpecOverrides overrides) throws IOException {
    if (overrides.isEmpty()) return parser.parse(file);
    String source = file.toString();
    Object tree = parser.readFile(file);
    if (!(tree instanceof Map<?, ?>)) return parser.fromTree(tree, source); // reports the shape
    @SuppressWarnings("unchecked")
    Map<String, Object> top = (Map<String, Object>) tree;
    List<Problem> problems = overrides.applyTo(top);
    if (!problems.isEmpty()) throw new InvalidSpecException(source, problems);
    return parser.fromTree(top, source);
  }
}
