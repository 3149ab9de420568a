import { join } from 'node:path';
import { z } from 'zod';
import { Locale } from '../contract/state';
import { JsonFile } from '../storage/json-file';

export const Settings = z.object({ version: z.literal(1), locale: Locale.nullable() }).strict();
export type Settings = z.infer<typeof Settings>;

export const settingsFile = (dataDir: string): JsonFile<typeof Settings> => new JsonFile(join(dataDir, 'settings.json'), Settings);
