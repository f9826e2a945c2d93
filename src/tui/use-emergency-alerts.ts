/**
 * The emergency calls of the last hour in words (core/emergency-calls.ts),
 * for the banner of the live screens: looked at again whenever the store
 * changes and once a minute, so an alert leaves the screen when its hour is
 * over even if nothing else changes.
 */
import { useEffect, useMemo, useState } from 'react';
import { describeEmergencyCall, emergencyAlerts } from '../core/emergency-calls.js';
import type { StoreData } from '../store/schema.js';

export function useEmergencyAlerts(data: StoreData | undefined, refreshMs = 60_000): string[] {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((count) => count + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  return useMemo(
    () => (data ? emergencyAlerts(data.emergency, new Date().toISOString()).map(describeEmergencyCall) : []),
    [data, tick],
  );
}
