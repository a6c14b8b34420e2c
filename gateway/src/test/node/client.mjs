// Calls a thinkroute gateway with the official openai npm client (v6), blocking, streaming and with a bad
// model, and prints what it saw as one JSON line for NodeClientE2eTest to check.
// Usage: node client.mjs <gateway base url, e.g. http://127.0.0.1:8080/v1> <question>
import OpenAI from "openai";

const [baseURL, question] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 20000 });
const messages = [{ role: "user", content: question }];
const out = {};

const completion = await client.chat.completions.create({ model: "auto", messages });
out.blocking = {
  content: completion.choices[0].message.content,
  finish_reason: completion.choices[0].finish_reason,
  usage: completion.usage,
  routing: completion.routing,
};

const stream = await client.chat.completions.create({
  model: "auto", messages, stream: true, stream_options: { include_usage: true },
});
let content = "";
let chunks = 0;
let last = null;
for await (const chunk of stream) {
  chunks++;
  content += chunk.choices[0]?.delta?.content ?? "";
  last = chunk;
}
out.streaming = { content, chunks, usage: last?.usage, routing: last?.routing };

try {
  await client.chat.completions.create({ model: "no-such-model", messages });
  out.error = { unexpected: "no error raised" };
} catch (e) {
  out.error = { class: e.constructor.name, status: e.status, param: e.param, code: e.code, message: e.message };
}

console.log(JSON.stringify(out));
