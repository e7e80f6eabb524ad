/**
 * Around code fetched on demand (a route, the facilitator bar): if it cannot be fetched (the
 * connection dropped, or a new version replaced the files), show `failed` instead of letting the
 * error take down the whole page.
 */
import { Component, type ReactNode } from 'react';

export class LoadBoundary extends Component<{ children: ReactNode; failed: ReactNode }, { error: boolean }> {
  override state = { error: false };

  static getDerivedStateFromError(): { error: boolean } {
    return { error: true };
  }

  override render(): ReactNode {
    return this.state.error ? this.props.failed : this.props.children;
  }
}
