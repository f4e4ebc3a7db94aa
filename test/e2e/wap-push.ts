/**
 * A WAP Push Service Indication as a handset receives it in one SMS (issue 14's binary test message):
 * - UDH (3GPP TS 23.040 9.2.3.24.4): UDHL 06, IE 05 (application port addressing, 16-bit), length 04,
 *   destination port 0x0B84 = 2948 (WAP Push connectionless), source port 0x23F0 = 9200 (WAP connectionless).
 * - WSP Push PDU (WAP-230 8.2.4.1): TID 01, type 06 (Push), headers length 03, content type 0xAE
 *   (application/vnd.wap.sic), X-Wap-Application-Id 0xAF 0x82 (x-wap-application:wml.ua).
 * - SI in WBXML (WAP-167 8, 9.3): version 1.2 (02), public id 05 (SI 1.0), charset UTF-8 (6A), empty string
 *   table (00); <si> (45) <indication (C6) href="http://www." (0D) "example" (03 … 00) ".com/" (85) "si" (03 … 00)
 *   action="signal-medium" (07) > (01) "You have mail" (03 … 00) </indication> (01) </si> (01).
 */
export const WapPortUdh = Buffer.from('0605040b8423f0', 'hex')
const str = (s: string) => Buffer.concat([Buffer.from([0x03]), Buffer.from(s, 'utf8'), Buffer.from([0x00])])
export const WspPushHeader = Buffer.from('010603aeaf82', 'hex')
export const SiWbxml = Buffer.concat([
  Buffer.from('02056a0045c60d', 'hex'),
  str('example'),
  Buffer.from([0x85]),
  str('si'),
  Buffer.from([0x07, 0x01]),
  str('You have mail'),
  Buffer.from([0x01, 0x01]),
])
/** short_message of the submit_sm: UDH, then the WSP PDU with the SI; esm_class 0x40, data_coding 0x04 (8-bit). */
export const WapPushSi = Buffer.concat([WapPortUdh, WspPushHeader, SiWbxml])
