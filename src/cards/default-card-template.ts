/**
 * The built-in card (`--intro default`, `--outro default`): the meeting name, its date, the
 * presenters and any extra lines, centred on a dark background and sized to the frame. It uses only
 * system fonts and no images, so it loads without the network.
 */

/** The default card template (placeholders as in fill-card-template.ts). */
export const DEFAULT_CARD_TEMPLATE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  html, body { margin: 0; width: {{width}}px; height: {{height}}px; overflow: hidden; }
  body { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: calc({{height}}px * 0.03);
         background: #1f3a68; color: #f5f5f5; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; text-align: center; }
  h1 { margin: 0 8%; font-size: calc({{height}}px * 0.075); font-weight: 700; }
  .date { font-size: calc({{height}}px * 0.04); color: #c9d1e0; }
  ul { list-style: none; margin: 0; padding: 0; }
  .names { font-size: calc({{height}}px * 0.045); }
  .lines { font-size: calc({{height}}px * 0.035); color: #c9d1e0; }
</style></head><body>
  <h1>{{meetingName}}</h1>
  <div class="date">{{date}}</div>
  <ul class="names">{{names}}</ul>
  <ul class="lines">{{lines}}</ul>
</body></html>
`;
