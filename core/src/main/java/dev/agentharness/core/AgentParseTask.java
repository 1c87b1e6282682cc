package dev.agentharness.core;

/** A session whose agent output is not fully parsed yet, with where its parser stopped. */
public record AgentParseTask(Session session, AgentParseCursor cursor) {
}
