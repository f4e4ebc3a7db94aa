import { describe, expect, it } from 'vitest'
import { hashPassword, MaxPasswordLength, verifyPassword } from './password'

describe('password hashing', () => {
  it('verifies the password it hashed and refuses another', async () => {
    const stored = await hashPassword('demopass')
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(await verifyPassword('demopass', stored)).toBe(true)
    expect(await verifyPassword('demopasS', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('salts every hash, so equal passwords store differently', async () => {
    const [a, b] = await Promise.all([hashPassword('secret'), hashPassword('secret')])
    expect(a).not.toBe(b)
    expect(await verifyPassword('secret', a)).toBe(true)
    expect(await verifyPassword('secret', b)).toBe(true)
  })

  it('refuses passwords an SMPP bind cannot carry (5.2: at most 8 characters)', async () => {
    await expect(hashPassword('123456789')).rejects.toThrow(RangeError)
    await expect(hashPassword('')).rejects.toThrow(RangeError)
    expect(MaxPasswordLength).toBe(8)
    expect(await verifyPassword('demopass9', await hashPassword('demopass'))).toBe(false)
  })

  it.each([
    'plain',
    'scrypt$16384$8$1$c2FsdA==',
    'bcrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
    'scrypt$1073741824$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', // N too large for a stored record
    'scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', // N not a power of two
    'scrypt$16384$8$1$$aGFzaGhhc2hoYXNoaGFzaA==',
  ])('answers false, without throwing, for the malformed record %s', async (stored) => {
    expect(await verifyPassword('demopass', stored)).toBe(false)
  })
})
