import { VscpConfigError } from "./config-error";

export const DEFAULT_TOPIC_TEMPLATE = "vscp/{guid}/{class}/{type}/{nickname}/{sensorindex}";

/** Escapes a topic template may use. */
export const TOPIC_ESCAPES = ["guid", "class", "type", "nickname", "sensorindex", "zone", "subzone"] as const;

export type TopicEscape = (typeof TOPIC_ESCAPES)[number];

export type TopicValues = { readonly [K in TopicEscape]: string | number };

/** A template split into literal text and escapes, checked once. */
export class TopicTemplate {
  readonly text: string;
  /** Literal text at even indices, escape names at odd indices. */
  private readonly parts: readonly string[];

  constructor(text: string, field = "topic") {
    if (typeof text !== "string" || text.length === 0) throw new VscpConfigError(field, "the topic template is empty");
    if (text.length > 256) throw new VscpConfigError(field, "the topic template is longer than 256 characters");
    if (text.charCodeAt(0) === 0x24) throw new VscpConfigError(field, 'topics starting with "$" are reserved for the broker');
    const parts: string[] = [];
    let literal = "";
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const code = text.charCodeAt(i);
      if (c === "+" || c === "#") throw new VscpConfigError(field, `wildcard "${c}" at position ${i} is not allowed in a topic`);
      if (code < 0x20 || code === 0x7f) throw new VscpConfigError(field, `control character at position ${i}`);
      if (c === "}") throw new VscpConfigError(field, `"}" at position ${i} without "{"`);
      if (c !== "{") {
        literal += c;
        continue;
      }
      const close = text.indexOf("}", i + 1);
      if (close < 0) throw new VscpConfigError(field, `"{" at position ${i} is not closed`);
      const name = text.slice(i + 1, close);
      if ((TOPIC_ESCAPES as readonly string[]).indexOf(name) < 0) {
        throw new VscpConfigError(field, `unknown escape {${name}}; use ${TOPIC_ESCAPES.map((e) => `{${e}}`).join(", ")}`);
      }
      parts.push(literal, name);
      literal = "";
      i = close;
    }
    parts.push(literal);
    this.text = text;
    this.parts = parts;
  }

  /** The topic for these values (start-up only: builds a string). */
  render(values: TopicValues): string {
    let topic = "";
    for (let i = 0; i < this.parts.length; i++) {
      topic += i % 2 === 0 ? this.parts[i] : String(values[this.parts[i] as TopicEscape]);
    }
    return topic;
  }
}
