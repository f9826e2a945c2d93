/** The view a provisioning file is rendered from: the store, with the ports and address hotdeskd serves on. */
import type { ProvisioningDecision } from '../../provisioning/decide-provisioning-request.js';
import { buildCommonView, buildPhoneView, type ConfigView } from '../../provisioning/view-model.js';
import { findExtension, keyLayoutFor } from '../../store/queries.js';
import type { StoreData } from '../../store/schema.js';

export type Serve = Extract<ProvisioningDecision, { kind: 'serve' }>;

/** The ports phones are told: the ones hotdeskd listens on, whatever the store says now. */
export interface ServedPorts {
  httpPort: number;
  sipPort?: number;
}

/** SIP over TLS and HTTPS ports, when both are served. */
export type ServedTls = { sipPort: number; httpsPort: number };

export function buildView(
  data: StoreData,
  serve: Serve,
  publicAddress: string | undefined,
  tls: ServedTls | undefined,
  ports: ServedPorts,
): ConfigView {
  const { phone, model } = serve;
  const settings = {
    ...data.settings,
    httpPort: ports.httpPort,
    ...(ports.sipPort !== undefined ? { sipPort: ports.sipPort } : {}),
  };
  if (serve.file === 'common' || !phone || !model) return buildCommonView({ vendor: serve.vendor, model, settings });
  const extension = phone.session ? findExtension(data, phone.session.extension) : undefined;
  return buildPhoneView({
    phone,
    model,
    settings,
    extension,
    layout: keyLayoutFor(data, extension, model.keys),
    generation: phone.desiredGeneration,
    ...(publicAddress ? { publicAddress } : {}),
    ...(tls ? { tls } : {}),
  });
}
