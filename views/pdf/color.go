package pdf

// rgb is a colour with 0–255 components.
type rgb struct{ r, g, b int }

// The colours of the layout. Text colours keep a contrast ratio of at least 4.5:1 on white
// and on the light fills.
var (
	colorInk     = rgb{33, 37, 41}    // body text
	colorMuted   = rgb{88, 94, 102}   // secondary text: header, footer, notes, axes
	colorPrimary = rgb{24, 54, 92}    // headings, table header, accents
	colorRule    = rgb{190, 197, 206} // rules and frames
	colorGrid    = rgb{226, 230, 235} // chart grid lines
	colorPanel   = rgb{241, 244, 248} // key figure boxes
	colorZebra   = rgb{244, 246, 249} // every other table row
	colorTotal   = rgb{224, 230, 238} // total rows
	colorWhite   = rgb{255, 255, 255}
)

// palette colours the series of charts, in order: the Okabe–Ito set, which stays
// distinguishable with the common colour-vision deficiencies and in greyscale print, with
// yellow last because it is faint on white. Line charts add a distinct marker shape per
// series, so colour is never the only cue.
var palette = [...]rgb{
	{0, 114, 178},   // blue
	{230, 159, 0},   // orange
	{0, 158, 115},   // bluish green
	{213, 94, 0},    // vermilion
	{204, 121, 167}, // reddish purple
	{86, 180, 233},  // sky blue
	{102, 102, 102}, // grey
	{240, 228, 66},  // yellow
}

// seriesColor is the colour of the i-th series; the palette repeats beyond eight series.
func seriesColor(i int) rgb {
	return palette[i%len(palette)]
}

// tones colour the series whose meaning is a judgement (Series.Tone), from the same palette.
var tones = map[string]rgb{"good": palette[2], "warn": palette[1], "bad": palette[3]}

// color is the fill of the series at rank i: its tone's colour, or the palette's.
func (s Series) color(i int) rgb {
	if c, ok := tones[s.Tone]; ok {
		return c
	}
	return seriesColor(i)
}
