/**
 * shapes.svg: one `<image>` per slide showing (or screen share), and for BBB < 2.6 recordings a
 * canvas group of whiteboard shapes per image, in the markup BBB's publish script writes.
 */
import { escapeXml } from './escape-xml.js';
import { formatSeconds } from './format-seconds.js';
import { DESKSHARE_HEIGHT, DESKSHARE_WIDTH, SLIDE_HEIGHT, SLIDE_WIDTH, type PlannedImage, type SamplePlan } from './plan-sample.js';
import { whiteboardEventsOnImage, type WhiteboardEvent } from './whiteboard-events-on-image.js';

/** Path of slide N's picture as the player fetches it. */
export function slideHref(plan: SamplePlan, slide: number): string {
  return plan.whiteboard === 'tldraw' ? `presentation/${plan.presentationId}/svgs/slide${slide}.svg` : `presentation/${plan.presentationId}/slide-${slide}.png`;
}

function imageElement(plan: SamplePlan, image: PlannedImage): string {
  const times = `in="${formatSeconds(image.start)}" out="${formatSeconds(image.end)}"`;
  if (image.slide === null) {
    return `  <image id="image${image.id}" class="slide" ${times} xlink:href="presentation/deskshare.png" width="${DESKSHARE_WIDTH}" height="${DESKSHARE_HEIGHT}" x="0" y="0" style="visibility:hidden"/>`;
  }
  const text = `presentation/${plan.presentationId}/textfiles/slide-${image.slide}.txt`;
  return `  <image id="image${image.id}" class="slide" ${times} xlink:href="${slideHref(plan, image.slide)}" width="${SLIDE_WIDTH}" height="${SLIDE_HEIGHT}" x="0" y="0" style="visibility:hidden" text="${text}"/>`;
}

function shapeElement(image: PlannedImage, event: WhiteboardEvent): string {
  const { shape, points: p } = event;
  const head = (name: string, style: string) =>
    `    <g class="shape" id="image${image.id}-draw${event.drawId}" timestamp="${formatSeconds(event.time)}" undo="${shape.undo === null ? '-1' : formatSeconds(shape.undo)}" shape="image${image.id}-${name}${shape.id}" style="${style}">`;
  const stroke = `stroke:${shape.color};stroke-width:${shape.thickness};visibility:hidden;fill:none`;
  switch (shape.kind) {
    case 'pencil': {
      const d = p.reduce((acc, v, i) => (i % 2 === 0 ? `${acc}${i === 0 ? 'M' : 'L'}${v}` : `${acc} ${v}`), '');
      return `${head('pencil', `stroke:${shape.color};stroke-linecap:round;stroke-linejoin:round;stroke-width:${shape.thickness};visibility:hidden;fill:none`)}
      <path d="${d}"/>
    </g>`;
    }
    case 'line':
      return `${head('line', `${stroke};stroke-linecap:butt`)}
      <line x1="${p[0]}" y1="${p[1]}" x2="${p[2]}" y2="${p[3]}"/>
    </g>`;
    case 'rectangle':
      return `${head('rect', `${stroke};stroke-linejoin:miter`)}
      <path d="M${p[0]} ${p[1]}L${p[2]} ${p[1]}L${p[2]} ${p[3]}L${p[0]} ${p[3]}Z"/>
    </g>`;
    case 'text':
      return `${head('text', `color:${shape.color};word-wrap:break-word;visibility:hidden;font-family:Arial;font-size:64px`)}
      <switch>
        <foreignObject width="${p[2]}" height="${p[3]}" x="${p[0]}" y="${p[1]}">
          <p xmlns="http://www.w3.org/1999/xhtml" style="margin:0;padding:0">${escapeXml(shape.text ?? '')}</p>
        </foreignObject>
      </switch>
    </g>`;
  }
}

/** The whole shapes.svg document. tldraw recordings keep their shapes in tldraw.json instead. */
export function shapesSvg(plan: SamplePlan): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="svgfile" style="position:absolute;height:600px;width:800px" version="1.1" viewBox="0 0 800 600">',
  ];
  for (const image of plan.images) {
    lines.push(imageElement(plan, image));
    if (plan.whiteboard === 'tldraw') continue;
    const events = whiteboardEventsOnImage(plan, image);
    // BBB leaves out empty canvases; the player fills the gaps itself (and an empty one breaks it).
    if (events.length === 0) continue;
    lines.push(`  <g class="canvas" id="canvas${image.id}" image="image${image.id}" display="none">`);
    for (const event of events) lines.push(shapeElement(image, event));
    lines.push('  </g>');
  }
  lines.push('</svg>', '');
  return lines.join('\n');
}
