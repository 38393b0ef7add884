// `npm start`: one ottr node configured from the environment (see ENV_VARS in config.ts).
import { serve } from './lifecycle.js';

await serve(process.env);
