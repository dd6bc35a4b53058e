package dev.locality.api.spec;

import java.util.List;

/**
 * A validated pipeline: a name, session behaviour and stages run in order on one worker. Built by
 * {@link SpecParser}; this is also the workflow's input, so it must stay serializable by Temporal's
 * JSON payload converter.
 */
public record PipelineSpec(String name, SessionSpec session, List<StageSpec> stages) {}
