/** What hotdeskd's SIP service takes and what it offers (sip-service.ts starts it). */
import type { SipStack, StartSipStack } from '../../adapters/sip-stack.js';
import type { TlsCredentials } from '../../adapters/sip-transport.js';
import type { Logger } from '../../adapters/log.js';
import type { StoreData } from '../../store/schema.js';
import type { StoreService } from '../store-service.js';
import type { LocationTable } from '../../sip/location.js';
import type { Proxy } from './proxy.js';
import type { Authenticator } from './authenticator.js';
import type { Change } from '../../store/changes.js';
import type { ControlResponse } from '../../adapters/control-socket.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { RateLimit } from '../../provisioning/rate-limiter.js';
import type { PhoneSync } from './phone-sync.js';
import type { IvrService } from '../ivr/ivr-service.js';
import type { WarningOutcome } from '../../media/warning-call.js';
import type { AnnouncementOutcome, Spoken } from '../../media/announcement-call.js';
import type { Language } from '../../core/model.js';

export interface SipServiceOptions {
  /** Starts the SIP stack the service runs on (the daemon's: startSipStack; tests: an in-memory one). */
  startStack: StartSipStack;
  bind: string;
  port: number;
  publicAddress?: string;
  log: Logger;
  store: StoreService;
  authenticator: (realm: () => string) => Authenticator;
  now?: () => number;
  /** How often expired bindings are swept, ms. */
  sweepMs?: number;
  /** Applies a store change by the daemon's single path (the control socket's); needed for logins by phone. */
  submit?: (change: Change) => Promise<ControlResponse>;
  /** Keeps the registrations across a restart by the daemon's write path; default a direct store update. */
  saveBindings?: (bindings: StoreData['bindings']) => Promise<unknown>;
  /** The login voice menu; without it the hot-desk codes are answered 480. */
  ivr?: {
    pool: RtpPortPool;
    prompts: PromptLibrary;
    verifyPin(pin: string, hash: string): Promise<boolean>;
    dummyHash: string;
    maxCalls?: number;
  };
  /** Vendor id of a catalogue model, for the check-sync NOTIFY. */
  vendorOf?: (model: string) => string;
  /** Waits between check-sync retries (tests shorten them). */
  checkSyncRetryMs?: readonly number[];
  /** Answer plug-and-play SUBSCRIBEs of pool phones with this provisioning URL (and join 224.0.1.75). */
  pnp?: { provisioningUrl(): string };
  /** Messages per second per source address before they are dropped (default DEFAULT_FLOOD_LIMIT; null: none). */
  floodLimit?: RateLimit | null;
  /** Server transactions kept at once before new requests get 503 (default DEFAULT_MAX_TRANSACTIONS). */
  maxTransactions?: number;
  /** TCP and TLS connections at once from one address (see sip-transport). */
  maxConnectionsPerAddress?: number;
  /** A TCP/TLS connection with no message for this long is closed, ms (see sip-transport). */
  idleTimeoutMs?: number;
  /** SIP over TLS on its own port (see sip-transport); a failed handshake is logged at debug. */
  tls?: { port: number; credentials: TlsCredentials };
  /** Told of every emergency number dialled, after the call is on its way to the trunk (never awaited). */
  onEmergency?: (event: { number: string; account: string; phone?: string }) => void;
}

export interface SipService {
  readonly stack: SipStack;
  /** Digest authentication, with the blocks it holds (hotdesk status, hotdesk unblock). */
  readonly authenticator: Authenticator;
  readonly proxy: Proxy;
  readonly phoneSync: PhoneSync;
  readonly ivr: IvrService | undefined;
  location(): LocationTable;
  /** Phones whose identity changed (a login or logout, from anywhere): switch and re-provision them. */
  switchPhones(phones: readonly string[]): void;
  /** Phones whose configuration changed otherwise (keys, settings): re-provision them. */
  reprovision(phones: readonly string[]): void;
  /** Re-provisions every phone whose configuration lags (at start). */
  reconcile(): void;
  /** For policy logouts: whether the phone is in a call, and when its user's last call was seen (ms). */
  phoneActivity(phone: string): { inCall: boolean; lastCallMs?: number };
  /** Calls the phone with the logout warning; `undefined` when it cannot (not registered, no voice menu). */
  warnPhone(
    phone: string,
    warning: { onExtend(): void; ringTimeoutMs?: number; keyWaitMs?: number; minutesLeft?: number },
  ): Promise<WarningOutcome> | undefined;
  /** Calls every registration of the extension with an announcement (the emergency notification); none registered: `[]`. */
  announce(
    extension: string,
    announcement: { prompts: Spoken[]; language: Language; subject: string; ringTimeoutMs?: number },
  ): Promise<AnnouncementOutcome[]>;
  close(): Promise<void>;
}
