// Typed fan-out of server events (job progress, job finished) to every connected transport.
import type { EventName, Events } from '../../shared/contract';

type Listener<E extends EventName> = (payload: Events[E]) => void;

export class EventHub {
  private listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<EventName>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // A failing listener (a closed socket, say) must not stop the others or the job.
      }
    }
  }
}
