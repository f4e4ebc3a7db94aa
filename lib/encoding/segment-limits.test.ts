import { describe, expect, it } from 'vitest'
import type { Alphabet } from './data-coding'
import { capacities, capacityAfterUdh, type Scheme } from './segment-limits'

describe('capacities', () => {
  it.each<[Alphabet, Scheme, number, number, number]>([
    // No other IEs: the classic limits.
    ['gsm7', 'udh8', 0, 160, 153],
    ['gsm7', 'udh16', 0, 160, 152],
    ['ucs2', 'udh8', 0, 70, 67],
    // One shift IE (3 octets): 155 alone (TS 23.038 C.3), 149 after an 8-bit concat UDH, 148 after a 16-bit one.
    ['gsm7', 'udh8', 3, 155, 149],
    ['gsm7', 'udh16', 3, 155, 148],
    ['gsm7', 'sar', 3, 155, 149],
    // Both shift IEs (6 octets): 152 alone (C.3), 146 / 145 per part.
    ['gsm7', 'udh8', 6, 152, 146],
    ['gsm7', 'udh16', 6, 152, 145],
    ['ucs2', 'udh8', 3, 68, 65],
    ['binary', 'udh8', 3, 136, 131],
  ])('%s %s with %i more UDH octets: %i alone, %i per part', (alphabet, scheme, extra, single, part) => {
    expect(capacities(alphabet, scheme, extra)).toEqual({ single, part })
  })

  it('counts septets after fill bits', () => {
    expect(capacityAfterUdh('gsm7', 6)).toBe(153) // 134 octets = 1072 bits = 153 septets + 1 bit
    expect(capacityAfterUdh('gsm7', 7)).toBe(152)
  })
})
