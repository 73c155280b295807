import type { Agent } from 'node:http';
// Deprecated for the exporters' 2.0, but the one public way to get the agent factory the
// exporters' own settings make (TLS files from the environment included) without reading those
// settings a second time here; the pinned version keeps it, and the build fails when it goes.
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import type { OtlpSignal } from './telemetryTargets.js';

// eslint-disable-next-line @typescript-eslint/no-deprecated
type AgentFactory = ReturnType<typeof convertLegacyHttpOptions>['agentFactory'];

/**
 * The HTTP agents the OTLP exporters send with, made as the exporters' own settings make them
 * (keep-alive, and the OTEL_EXPORTER_OTLP_*CERTIFICATE / _CLIENT_KEY files for TLS), and kept:
 * the exporters take no abort signal, and a collector that trickles its answer never trips
 * their idle timeout, so ending an export still running at its deadline means ending its
 * sockets.
 */
export class ExportAgents {
  readonly #agents = new Set<Agent>();

  /** The agent factory for one signal's exporter (its `httpAgentOptions`). */
  factoryFor(signal: OtlpSignal): AgentFactory {
    const path = `v1/${signal.toLowerCase()}`;
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const { agentFactory } = convertLegacyHttpOptions({}, signal, path, {});
    return async (protocol) => {
      const agent = await agentFactory(protocol);
      this.#agents.add(agent);
      return agent;
    };
  }

  /** Ends every export request in flight: each fails at once (the agents stay usable). */
  endAll(): void {
    for (const agent of this.#agents) agent.destroy();
  }
}
