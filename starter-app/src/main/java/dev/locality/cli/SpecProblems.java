package dev.locality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.Problem;
import dev.locality.cli.report.JsonReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Reports an invalid spec: every problem on stderr as {@code location: message} (location names
 * stage index, type and key, e.g. {@code stages[2] (transform-csv).filter}); with {@code --json}
 * also one JSON object on stdout: {@code {"status":"INVALID","spec", "problems":[{stageIndex,
 * stageType, key, message, location}]}}.
 */
final class SpecProblems {
  private SpecProblems() {}

  /** Reads, overrides and validates a spec file (what {@code validate}, {@code run}, ... do). */
  interface Load<T> {
    T load(Path specFile) throws IOException;
  }

  /**
   * Runs {@code load}; when the spec cannot be read, is invalid, or an override or input on the
   * command line is malformed ({@link IllegalArgumentException}), reports that and returns null:
   * the command then exits 2 ({@link ExitCodes#USAGE}).
   */
  static <T> T loadOrReport(
      Path specFile, Load<T> load, boolean json, PrintWriter out, PrintWriter err) {
    try {
      return load.load(specFile);
    } catch (IllegalArgumentException e) {
      err.println("locality: " + e.getMessage());
    } catch (InvalidSpecException e) {
      report(e, specFile, json, out, err);
    } catch (IOException e) {
      err.println("locality: cannot read spec " + specFile + ": " + e);
    }
    return null;
  }

  static void report(
      InvalidSpecException e, Path specFile, boolean json, PrintWriter out, PrintWriter err) {
    err.println("locality: " + e.getMessage());
    if (json) out.println(new JsonReport().write(toJson(e, specFile)));
  }

  static ObjectNode toJson(InvalidSpecException e, Path specFile) {
    ObjectNode root = new JsonReport().mapper().createObjectNode();
    root.put("status", "INVALID");
    root.put("spec", specFile.toString());
    ArrayNode problems = root.putArray("problems");
    for (Problem p : e.problems()) {
      ObjectNode node = problems.addObject();
      node.put("stageIndex", p.stageIndex());
      node.put("stageType", p.stageType());
      node.put("key", p.key());
      node.put("message", p.message());
      node.put("location", p.location());
    }
    return root;
  }
}
