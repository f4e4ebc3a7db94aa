#!/usr/bin/perl
# An ESME written with Perl's Net::SMPP (Debian libnet-smpp-perl), an SMPP 3.4 client nobody on this project
# wrote. Binds as a transceiver, submits with registered_delivery, waits for the receipt (answering every
# deliver_sm), queries the message, sends enquire_link and unbinds. Prints one JSON object per step;
# conformance-clients.test.ts asserts on them.
#
# usage: net-smpp-client.pl HOST PORT SYSTEM_ID PASSWORD DESTINATION TEXT
use strict;
use warnings;
use Net::SMPP;
use JSON::PP;

my ($host, $port, $system_id, $password, $destination, $text) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD DESTINATION TEXT\n" unless defined $text;
$| = 1;
my $json = JSON::PP->new->canonical;
sub say_json { print $json->encode($_[0]), "\n" }

# Everything is bounded: a stuck exchange ends the script instead of hanging the test.
$SIG{ALRM} = sub { say_json({ event => 'timeout' }); exit 2 };
alarm 60;

my ($smpp, $bind) = Net::SMPP->new_transceiver(
    $host, port => $port, system_id => $system_id, password => $password, system_type => '', timeout => 10,
);
die "connect failed: $!\n" unless $smpp;
say_json({ event => 'bind', status => $bind->{status}, system_id => $bind->{system_id} });
exit 1 if $bind->{status} != 0;

my @receipts;
# Reads PDUs until the response to `seq` arrives; a deliver_sm meanwhile is answered and kept.
sub await_resp {
    my ($seq) = @_;
    while (1) {
        my $pdu = $smpp->read_pdu() or die "connection closed\n";
        if ($pdu->{cmd} == 0x00000005) {    # deliver_sm
            $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '', async => 1);
            push @receipts, $pdu;
            next;
        }
        return $pdu if $pdu->{seq} == $seq && ($pdu->{cmd} & 0x80000000);
    }
}

my $seq = $smpp->submit_sm(
    source_addr => 'NETSMPP', destination_addr => $destination, short_message => $text,
    registered_delivery => 1, async => 1,
);
my $resp = await_resp($seq);
my $id = $resp->{message_id};
say_json({ event => 'submit', status => $resp->{status}, message_id => $id });

# The receipt: a deliver_sm with esm_class 0x04 naming the message.
while (!grep { ($_->{esm_class} & 0x3c) == 0x04 && $_->{short_message} =~ /\bid:\Q$id\E\b/ } @receipts) {
    my $pdu = $smpp->read_pdu() or die "connection closed\n";
    next unless $pdu->{cmd} == 0x00000005;
    $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '', async => 1);
    push @receipts, $pdu;
}
my ($receipt) = grep { $_->{short_message} =~ /\bid:\Q$id\E\b/ } @receipts;
(my $receipted = $receipt->{receipted_message_id} // '') =~ s/\0+$//;
say_json({
    event => 'receipt', text => $receipt->{short_message}, esm_class => $receipt->{esm_class},
    receipted_message_id => $receipted,
    message_state => defined $receipt->{message_state} ? unpack('C', $receipt->{message_state}) : undef,
});

$resp = await_resp($smpp->query_sm(message_id => $id, source_addr => 'NETSMPP', async => 1));
say_json({ event => 'query', status => $resp->{status}, message_state => $resp->{message_state}, message_id => $resp->{message_id} });

$resp = await_resp($smpp->enquire_link(async => 1));
say_json({ event => 'enquire_link', status => $resp->{status} });

$resp = await_resp($smpp->unbind(async => 1));
say_json({ event => 'unbind', status => $resp->{status} });
$smpp->close();
