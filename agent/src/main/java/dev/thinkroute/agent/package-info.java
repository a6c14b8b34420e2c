/**
 * Multi-round think → route → aggregate, the Router-R1 protocol: a policy model thinks in {@code <think>…</think>},
 * asks a named pool model a sub-question in {@code <search> Model-Name: question </search>}, reads the reply
 * appended as {@code <information>…</information>}, and ends with {@code <answer>…</answer>}.
 * {@link dev.thinkroute.agent.Turn} reads one policy turn; the orchestrator runs the loop.
 */
package dev.thinkroute.agent;
