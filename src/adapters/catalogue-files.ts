/** Loads the model catalogue from templates/<vendor>/models.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { VENDORS, type Catalogue, type PhoneModel } from '../core/catalogue.js';
import { SHIPPED_TEMPLATES } from './paths.js';

const vendorFile = z.object({
  vendor: z.enum(VENDORS),
  models: z.array(
    z
      .object({
        id: z.string().regex(/^[a-z]+-[a-z0-9-]+$/),
        name: z.string().min(1),
        keys: z.number().int().min(1).max(200),
        commonFile: z
          .string()
          .regex(/^y0{9}\d{3}\.cfg$/)
          .optional(),
        vpk: z.number().int().min(0).max(200).optional(),
        fanvilPages: z
          .object({ lineKeys: z.number().int().min(0).max(200), keysPerPage: z.number().int().min(1).max(200) })
          .optional(),
        digestSha256: z.boolean().optional(),
        digestSource: z.string().min(1).optional(),
      })
      .refine((model) => model.digestSha256 !== true || model.digestSource !== undefined, {
        message: 'digestSha256 needs a digestSource naming the vendor document',
      }),
  ),
});

/** Reads every vendor's models.json; a broken file is a packaging bug and throws naming it. */
export function loadCatalogue(templatesDir = SHIPPED_TEMPLATES): Catalogue {
  const models: PhoneModel[] = [];
  for (const vendor of VENDORS) {
    const file = join(templatesDir, vendor, 'models.json');
    const parsed = vendorFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success || parsed.data.vendor !== vendor) {
      throw new Error(
        `${file}: not a valid model list (${parsed.success ? 'wrong vendor' : parsed.error.issues[0]?.message})`,
      );
    }
    for (const model of parsed.data.models) {
      if (!model.id.startsWith(`${vendor}-`))
        throw new Error(`${file}: model id ${model.id} must start with ${vendor}-`);
      models.push({ ...model, vendor });
    }
  }
  return models;
}
